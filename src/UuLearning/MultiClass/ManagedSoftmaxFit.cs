using TorchSharp;
using static TorchSharp.torch;

namespace UuLearning;

/// <summary>
/// The K-class linear softmax head on the CPU, trained in managed code (as <see cref="ManagedLinearFits"/> trains the
/// binary head): K row products per item, the K-class UU risk's gradient with respect to the logits in closed form,
/// the weight gradient as sums of scaled rows, and AdamW in torch's formulation. A step at batch 64 is a few hundred
/// thousand multiply-adds, which TorchSharp spent most of its time calling into native code for.
/// </summary>
/// <remarks>
/// <para>The gradient. With logits z_b = W x_b + c, p_b = softmax(z_b), item b in set s_b, n_i = max(1, |U_i in the
/// batch|), the surrogate's loss L[b, j] (1 - p_bj, or -log p_bj), R[i, j] = sum over U_i of L[., j] / n_i, the inverse
/// Theta Winv and the class weights pi, class j's partial risk is P_j = pi_j sum_i Winv[j, i] R[i, j] and the risk
/// sum_j f(P_j) (f(x) = x for x &gt;= 0, lambda x otherwise; the unbiased risk takes f(x) = x; the PN risk is the
/// unbiased risk with Winv = identity). So dR/dL[b, j] = G[b, j] = f'(P_j) pi_j Winv[j, s_b] / n_(s_b), and the logits'
/// gradient is dR/dz_bk = p_bk (sum_j G[b, j] p_bj - G[b, k]) for 1 - softmax and p_bk sum_j G[b, j] - G[b, k] for the
/// cross-entropy; dR/dW_k = sum_b dR/dz_bk x_b and dR/dc_k = sum_b dR/dz_bk.</para>
/// </remarks>
internal sealed class ManagedSoftmaxFit
{
    private readonly ManagedRows _rows;
    private readonly int[] _labels;
    private readonly int _k;
    private readonly int _d;
    private readonly float[] _p; // K x D weights (row k = class k), then K biases: torch's weight [K, D] and bias [K]
    private readonly float[] _m;
    private readonly float[] _v;
    private readonly float[] _grad;
    private readonly double[,] _inverse;
    private readonly double[] _pi;
    private readonly UuTrainerOptions _options;
    private double[] _scratch = Array.Empty<double>();

    private ManagedSoftmaxFit(ManagedRows rows, int[] labels, int k, float[] parameters, double[,] inverse, double[] pi, UuTrainerOptions options)
    {
        _rows = rows;
        _labels = labels;
        _k = k;
        _d = rows.Dimension;
        _p = parameters;
        _m = new float[parameters.Length];
        _v = new float[parameters.Length];
        _grad = new float[parameters.Length];
        _inverse = inverse;
        _pi = pi;
        _options = options;
    }

    /// <summary>Whether this engine trains <paramref name="options"/>' scorer on <paramref name="x"/>: a linear head,
    /// features on the CPU, a matrix that fits one managed array.</summary>
    public static bool Supports(UuTrainerOptions options, Tensor x) => ManagedLinearFits.Supports(options, x);

    /// <summary>Starts from <paramref name="module"/>'s parameters (a linear layer with K outputs, or a sequential whose
    /// only layer is one).</summary>
    /// <param name="rows">The features.</param>
    /// <param name="labels">Each item's pseudo-labeled set (class index), -1 for items not trained on.</param>
    /// <param name="module">The freshly initialised scorer.</param>
    /// <param name="priors">Theta (inverted here) and pi; PN uses the identity.</param>
    /// <param name="options">Objective, surrogate, lambda, weight decay.</param>
    public static ManagedSoftmaxFit Create(ManagedRows rows, IReadOnlyList<int> labels, nn.Module<Tensor, Tensor> module, MultiClassPriors priors, UuTrainerOptions options)
    {
        int k = priors.ClassCount;
        var inverse = options.Objective == UuObjective.Pn ? MultiClassPriors.Supervised(priors.Pi).InverseTheta() : priors.InverseTheta();
        return new ManagedSoftmaxFit(rows, labels.ToArray(), k, ReadParameters(module, rows.Dimension, out _), inverse, priors.Pi.ToArray(), options);
    }

    /// <summary>Log-probabilities [N, K] of the <paramref name="n"/> rows of <paramref name="rows"/> under the linear
    /// layer <paramref name="module"/> (K outputs), row-major, in managed code (the same whatever runs beside it, unlike
    /// libtorch's matrix products, which split their sums by the threads free at the time).</summary>
    public static float[] LogProbabilities(ManagedRows rows, int n, nn.Module<Tensor, Tensor> module)
    {
        var parameters = ReadParameters(module, rows.Dimension, out int k);
        var result = new float[n * k];
        var z = new double[k];
        for (int i = 0; i < n; i++)
        {
            double max = Logits(rows, i, parameters, k, z);
            double sum = 0;
            for (int j = 0; j < k; j++)
            {
                sum += Math.Exp(z[j] - max);
            }
            double logSum = max + Math.Log(sum);
            for (int j = 0; j < k; j++)
            {
                result[(i * k) + j] = (float)(z[j] - logSum);
            }
        }
        return result;
    }

    /// <summary>Writes row <paramref name="i"/>'s logits z = W x + c (parameters as <see cref="Parameters"/> lays them
    /// out) into <paramref name="z"/> and returns the largest, from which the softmax is taken so that no exponential
    /// overflows.</summary>
    private static double Logits(ManagedRows rows, long i, float[] parameters, int k, Span<double> z)
    {
        int d = rows.Dimension;
        double max = double.NegativeInfinity;
        for (int j = 0; j < k; j++)
        {
            z[j] = rows.Dot(i, parameters.AsSpan(j * d, d)) + parameters[(k * d) + j];
            max = Math.Max(max, z[j]);
        }
        return max;
    }

    /// <summary>The layer's weight [K, D] then bias [K], copied (the module's parameters are its own, left alive).</summary>
    private static float[] ReadParameters(nn.Module<Tensor, Tensor> module, int d, out int k)
    {
        var p = module.parameters().ToArray();
        k = (int)p[1].numel();
        var parameters = new float[(k * d) + k];
        p[0].data<float>().ToArray().CopyTo(parameters, 0);
        p[1].data<float>().ToArray().CopyTo(parameters, k * d);
        return parameters;
    }

    /// <summary>The parameters, live (K x D weights, then K biases).</summary>
    public float[] Parameters => _p;

    /// <summary>One AdamW step on the batch <paramref name="items"/>; <paramref name="step"/> is 1-based, after this step.</summary>
    /// <returns>The batch's risk before the step.</returns>
    public double Step(ReadOnlySpan<long> items, double lr, long step)
    {
        double risk = RiskAndGradient(items, _grad);
        ManagedAdamW.Step(_p, _m, _v, _grad, lr, step, _options.WeightDecay);
        return risk;
    }

    /// <summary>The objective on <paramref name="items"/> with the current parameters.</summary>
    public double Risk(ReadOnlySpan<long> items) => RiskAndGradient(items, gradient: null);

    /// <summary>Writes the parameters into <paramref name="module"/> (the layer <see cref="Create"/> read).</summary>
    public void CopyTo(nn.Module<Tensor, Tensor> module)
    {
        using var noGrad = torch.no_grad();
        using var scope = NewDisposeScope();
        var target = module.parameters().ToArray();
        target[0].copy_(torch.tensor(_p.AsSpan(0, _k * _d).ToArray(), new long[] { _k, _d }));
        target[1].copy_(torch.tensor(_p.AsSpan(_k * _d, _k).ToArray()));
    }

    /// <summary>The objective on <paramref name="items"/>; writes dR/dparameters into <paramref name="gradient"/> when given.</summary>
    internal double RiskAndGradient(ReadOnlySpan<long> items, float[]? gradient)
    {
        int k = _k, d = _d, n = items.Length;
        if (_scratch.Length < 2 * n * k)
        {
            _scratch = new double[2 * n * k];
        }
        var prob = _scratch.AsSpan(0, n * k); // p[b, j]
        var loss = _scratch.AsSpan(n * k, n * k); // L[b, j], then dR/dz[b, j]
        bool logistic = _options.Surrogate == SurrogateLoss.Logistic;
        var counts = new int[k];
        var setRisk = new double[k, k]; // sum over the batch's U_i of L[., j], divided by n_i below
        for (int b = 0; b < n; b++)
        {
            long i = items[b];
            var z = prob.Slice(b * k, k);
            double max = Logits(_rows, i, _p, k, z);
            double sum = 0;
            for (int j = 0; j < k; j++)
            {
                z[j] = Math.Exp(z[j] - max);
                sum += z[j];
            }
            double logSum = Math.Log(sum);
            int set = _labels[i];
            counts[set]++;
            for (int j = 0; j < k; j++)
            {
                // -log p_j = -(z_j - max - log sum) = -log(e_j) + log sum, with e_j = exp(z_j - max)
                double l = logistic ? logSum - Math.Log(z[j]) : 1 - (z[j] / sum);
                loss[(b * k) + j] = l;
                setRisk[set, j] += l;
            }
            for (int j = 0; j < k; j++)
            {
                z[j] /= sum;
            }
        }
        var slope = new double[k];
        double risk = 0;
        bool robust = _options.Objective == UuObjective.RobustUu;
        for (int j = 0; j < k; j++)
        {
            double partial = 0;
            for (int s = 0; s < k; s++)
            {
                partial += _inverse[j, s] * setRisk[s, j] / Math.Max(1, counts[s]);
            }
            partial *= _pi[j];
            slope[j] = robust && partial < 0 ? _options.Lambda : 1;
            risk += slope[j] * partial;
        }
        if (gradient is null)
        {
            return risk;
        }
        Array.Clear(gradient);
        var biasGradient = new double[k];
        for (int b = 0; b < n; b++)
        {
            long i = items[b];
            int set = _labels[i];
            var p = prob.Slice(b * k, k);
            var dz = loss.Slice(b * k, k);
            double scale = 1.0 / Math.Max(1, counts[set]);
            double weighted = 0, total = 0;
            for (int j = 0; j < k; j++)
            {
                double g = slope[j] * _pi[j] * _inverse[j, set] * scale; // G[b, j]
                dz[j] = g;
                weighted += g * p[j];
                total += g;
            }
            for (int j = 0; j < k; j++)
            {
                double dzj = logistic ? (p[j] * total) - dz[j] : p[j] * (weighted - dz[j]);
                if (dzj != 0)
                {
                    _rows.AddScaled(i, (float)dzj, gradient.AsSpan(j * d, d));
                    biasGradient[j] += dzj;
                }
            }
        }
        for (int j = 0; j < k; j++)
        {
            gradient[(k * d) + j] = (float)biasGradient[j];
        }
        return risk;
    }
}
