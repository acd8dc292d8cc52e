using TorchSharp;
using static TorchSharp.torch;
using UuLearning.Internal;

namespace UuLearning;

/// <summary>
/// K linear or MLP scorers of one architecture held as stacked parameters (layer l: weight [K, out, in], bias [K, out])
/// and run together with batched matrix products, with an AdamW that keeps a learning rate, a step count and an
/// on/off switch per scorer. Scorer k is exactly the module <see cref="ScorerArchitecture.Create"/> would build and
/// <c>torch.optim.AdamW</c> would train, up to float rounding: nothing in one scorer's parameters, gradients or
/// optimiser state depends on another's.
/// </summary>
internal sealed class StackedScorers : IDisposable
{
    private const double Beta1 = 0.9;
    private const double Beta2 = 0.999;
    private readonly Tensor[] _parameters; // weight, bias, weight, bias, ... each with leading dimension K
    private readonly Tensor[] _firstMoment;
    private readonly Tensor[] _secondMoment;
    private readonly double _dropout;
    private readonly double _weightDecay;
    private Tensor[]? _snapshot;

    private StackedScorers(Tensor[] parameters, double dropout, double weightDecay)
    {
        _parameters = parameters;
        _dropout = dropout;
        _weightDecay = weightDecay;
        _firstMoment = parameters.Select(p => torch.zeros_like(p)).ToArray();
        _secondMoment = parameters.Select(p => torch.zeros_like(p)).ToArray();
        Count = (int)parameters[0].shape[0];
    }

    /// <summary>K, the number of scorers.</summary>
    public int Count { get; }

    /// <summary>Whether the architecture can be stacked (linear and MLP; not custom scorers).</summary>
    public static bool Supports(ScorerArchitecture architecture) => architecture.Kind is "linear" or "mlp";

    /// <summary>Multiply-adds of one forward pass over one row.</summary>
    public static long MultiplyAddsPerRow(ScorerArchitecture architecture, int inputDimension)
    {
        long total = 0;
        long previous = inputDimension;
        foreach (int h in architecture.HiddenSizes)
        {
            total += previous * h;
            previous = h;
        }
        return total + previous;
    }

    /// <summary>Initialises scorer k exactly as a module created after <c>torch.manual_seed(seeds[k])</c>.</summary>
    public static StackedScorers Create(ScorerArchitecture architecture, int inputDimension, IReadOnlyList<long> seeds, double weightDecay, Device device)
    {
        var perScorer = new List<Tensor[]>();
        try
        {
            foreach (long seed in seeds)
            {
                torch.manual_seed(seed);
                using var module = architecture.Create(inputDimension);
                perScorer.Add(Copy(module.parameters()));
            }
            var stacked = new Tensor[perScorer[0].Length];
            for (int j = 0; j < stacked.Length; j++)
            {
                stacked[j] = Internal.FeatureMatrix.MoveTo(torch.stack(perScorer.Select(p => p[j]).ToArray()), device).requires_grad_(true);
            }
            return new StackedScorers(stacked, architecture.Dropout, weightDecay);
        }
        finally
        {
            foreach (var t in perScorer.SelectMany(p => p))
            {
                t.Dispose();
            }
        }
    }

    /// <summary>Scores [K, B, D] inputs: row b of slice k by scorer k. Returns [K, B].</summary>
    /// <remarks>Activations are kept transposed ([K, features, B]) so that every product is W [K, out, in] times a
    /// [K, in, B] operand and the weight gradient is a product with contiguous operands; the other orientation
    /// (inputs times transposed weights) ran 4 to 5 times slower on the CPU for a linear head at 4,096 features.</remarks>
    public Tensor Forward(Tensor input, bool training)
    {
        var h = input.transpose(1, 2);
        int layers = _parameters.Length / 2;
        for (int l = 0; l < layers; l++)
        {
            var weight = _parameters[2 * l];
            var bias = _parameters[(2 * l) + 1];
            h = torch.bmm(weight, h).add_(bias.unsqueeze(-1), TorchScalars.One);
            if (l < layers - 1)
            {
                h = torch.nn.functional.relu(h);
                if (training && _dropout > 0)
                {
                    h = torch.nn.functional.dropout(h, _dropout, training: true);
                }
            }
        }
        return h.squeeze(1);
    }

    /// <summary>Clears the gradients.</summary>
    public void ZeroGrad()
    {
        foreach (var p in _parameters)
        {
            using var grad = p.grad;
            grad?.zero_();
        }
    }

    /// <summary>One AdamW step (torch's formulation) for the scorers marked active, each with its own learning rate and
    /// step count (1-based, after this step); inactive scorers keep their parameters and optimiser state.</summary>
    public void Step(bool[] active, double[] learningRates, long[] steps)
    {
        int k = Count;
        // Per scorer: parameter decay, first- and second-moment interpolation weights, sqrt of the second bias
        // correction, step size. An inactive scorer gets decay 1 and weights 0, so nothing of it changes.
        var coefficients = new float[5 * k];
        for (int i = 0; i < k; i++)
        {
            bool on = active[i];
            double lr = on ? learningRates[i] : 0;
            coefficients[i] = (float)(1 - (lr * _weightDecay));
            coefficients[k + i] = (float)(on ? 1 - Beta1 : 0);
            coefficients[(2 * k) + i] = (float)(on ? 1 - Beta2 : 0);
            coefficients[(3 * k) + i] = (float)(on ? Math.Sqrt(1 - Math.Pow(Beta2, steps[i])) : 1);
            coefficients[(4 * k) + i] = (float)(on ? lr / (1 - Math.Pow(Beta1, steps[i])) : 0);
        }
        using var scope = NewDisposeScope();
        using var noGrad = torch.no_grad();
        // Shaped [5, K, 1, 1]: each row broadcasts over a weight [K, out, in]; its [5, K, 1] view over a bias [K, out].
        var forWeights = Internal.FeatureMatrix.MoveTo(torch.tensor(coefficients, new long[] { 5, k, 1, 1 }), _parameters[0].device);
        var forBiases = forWeights.view(5, k, 1);
        for (int j = 0; j < _parameters.Length; j++)
        {
            var p = _parameters[j];
            var grad = p.grad;
            if (grad is null)
            {
                continue;
            }
            var c = p.dim() == 3 ? forWeights : forBiases;
            var m = _firstMoment[j];
            var v = _secondMoment[j];
            p.mul_(c[0]);
            m.lerp_(grad, c[1]);                 // beta1 m + (1 - beta1) g
            v.lerp_(grad.square(), c[2]);        // beta2 v + (1 - beta2) g^2
            var denom = v.sqrt().div_(c[3]).add_(TorchScalars.AdamEpsilon, TorchScalars.One);
            p.add_(m.div(denom).mul_(c[4]), TorchScalars.MinusOne); // p - step, with held scalars (Internal/TorchScalars.cs)
        }
    }

    /// <summary>Keeps a copy of the parameters of the scorers marked in <paramref name="take"/>.</summary>
    public void Snapshot(bool[] take)
    {
        using var noGrad = torch.no_grad();
        if (_snapshot is null)
        {
            _snapshot = Copy(_parameters);
            return;
        }
        using var scope = NewDisposeScope();
        var mask = torch.tensor(take).to(_parameters[0].device);
        for (int j = 0; j < _parameters.Length; j++)
        {
            var shape = new long[_parameters[j].dim()];
            Array.Fill(shape, 1L);
            shape[0] = Count;
            _snapshot[j].copy_(torch.where(mask.view(shape), _parameters[j], _snapshot[j]));
        }
    }

    /// <summary>Detached copies of <paramref name="tensors"/>, owned by the caller.</summary>
    private static Tensor[] Copy(IEnumerable<Tensor> tensors)
    {
        using var noGrad = torch.no_grad();
        using var scope = NewDisposeScope();
        return tensors.Select(t => t.detach().clone().MoveToOuterDisposeScope()).ToArray();
    }

    /// <summary>Puts the snapshot's parameters back (no-op without one).</summary>
    public void RestoreSnapshot()
    {
        if (_snapshot is null)
        {
            return;
        }
        using var noGrad = torch.no_grad();
        using var scope = NewDisposeScope();
        for (int j = 0; j < _parameters.Length; j++)
        {
            _parameters[j].copy_(_snapshot[j]);
        }
    }

    /// <summary>Scorer <paramref name="index"/> as a stand-alone module of <paramref name="architecture"/>.</summary>
    public nn.Module<Tensor, Tensor> ToModule(int index, ScorerArchitecture architecture, int inputDimension, Device device)
    {
        var module = architecture.Create(inputDimension);
        try
        {
            module.to(device);
            using var noGrad = torch.no_grad();
            using var scope = NewDisposeScope();
            var target = module.parameters().ToArray();
            for (int j = 0; j < target.Length; j++)
            {
                target[j].copy_(_parameters[j][index]);
            }
            return module;
        }
        catch
        {
            module.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var t in _parameters.Concat(_firstMoment).Concat(_secondMoment).Concat(_snapshot ?? Array.Empty<Tensor>()))
        {
            t.Dispose();
        }
    }
}
