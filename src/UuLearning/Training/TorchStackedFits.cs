using TorchSharp;
using UuLearning.Internal;
using static TorchSharp.torch;

namespace UuLearning;

/// <summary>
/// <see cref="IStackedFits"/> over <see cref="StackedScorers"/>: each epoch's batches go to the device as one index
/// tensor and two 0/1 set tensors ([steps, K, longest batch]; padding counts in neither set), so a step is one gather,
/// one batched forward and backward, and one AdamW update for all fits; the host reads the device once per epoch.
/// </summary>
internal sealed class TorchStackedFits : IStackedFits
{
    private const int ScoringRows = 16_384;
    private readonly StackedScorers _model;
    private readonly Tensor _x;
    private readonly IReadOnlyList<PseudoLabel> _labels;
    private readonly Func<Tensor, Tensor, Tensor, Tensor> _objective;
    private SetTensors? _held;
    private int _heldWidth;

    /// <param name="model">The stacked scorers (owned from here on).</param>
    /// <param name="x">The [N, D] features on the model's device (not owned).</param>
    /// <param name="labels">The pseudo-labels that say which set an item counts in.</param>
    /// <param name="objective">The risk per row: (scores [K, B], in U_p [K, B], in U_n [K, B]) to [K].</param>
    public TorchStackedFits(StackedScorers model, Tensor x, IReadOnlyList<PseudoLabel> labels, Func<Tensor, Tensor, Tensor, Tensor> objective)
    {
        _model = model;
        _x = x;
        _labels = labels;
        _objective = objective;
    }

    /// <inheritdoc />
    public int Count => _model.Count;

    /// <inheritdoc />
    public double[] TrainEpoch(FitPlan[] plans, long[][] orders, (int Start, int Length)[][] bounds, long[] stepCounts, double peakLearningRate, CancellationToken cancellationToken)
    {
        int k = plans.Length;
        int d = (int)_x.shape[1];
        int steps = plans.Max(p => p.Batches);
        int batchMax = plans.Max(p => p.MaxBatchLength);
        var active = new bool[k];
        var learningRates = new double[k];
        using var batches = SetTensors.Build(_labels, k, steps, batchMax, _x.device, (f, b) => b < plans[f].Batches
            ? orders[f].AsSpan(bounds[f][b].Start, bounds[f][b].Length).ToArray()
            : Array.Empty<long>());
        using var epochSum = torch.zeros(k, ScalarType.Float64, _x.device);
        for (int b = 0; b < steps; b++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            bool any = false;
            for (int f = 0; f < k; f++)
            {
                active[f] = b < plans[f].Batches && bounds[f][b].Length > 0;
                if (active[f])
                {
                    learningRates[f] = UuTrainer.LearningRateAt(stepCounts[f], plans[f].TotalSteps, plans[f].WarmupSteps, peakLearningRate);
                    stepCounts[f]++;
                    any = true;
                }
            }
            if (!any)
            {
                continue;
            }
            using var scope = NewDisposeScope();
            var scores = _model.Forward(_x.index_select(0, batches.Index[b]).view(k, batchMax, d), training: true);
            var risk = _objective(scores, batches.Positive[b], batches.Negative[b]);
            _model.ZeroGrad();
            risk.sum().backward();
            _model.Step(active, learningRates, stepCounts);
            epochSum.add_(risk.detach().to(ScalarType.Float64), TorchScalars.One);
        }
        using var fetchScope = NewDisposeScope(); // .cpu() returns a new handle even on the CPU
        return epochSum.cpu().data<double>().ToArray();
    }

    /// <inheritdoc />
    public double[] HeldOutRisks(FitPlan[] plans)
    {
        int k = plans.Length;
        int d = (int)_x.shape[1];
        if (_held is null)
        {
            // Row f holds fit f's held-out items, padded with item 0 in neither set.
            _heldWidth = Math.Max(1, plans.Max(p => p.HeldOutItems));
            _held = SetTensors.Build(_labels, k, 1, _heldWidth, _x.device, (f, _) => plans[f].HeldPos.Concat(plans[f].HeldNeg).Select(i => (long)i).ToArray());
        }
        using var scope = NewDisposeScope();
        using var noGrad = torch.no_grad();
        var heldScores = _model.Forward(_x.index_select(0, _held.Index[0]).view(k, _heldWidth, d), training: false);
        return _objective(heldScores, _held.Positive[0], _held.Negative[0]).to(ScalarType.Float64).cpu().data<double>().ToArray();
    }

    /// <inheritdoc />
    public void Snapshot(bool[] take) => _model.Snapshot(take);

    /// <inheritdoc />
    public void RestoreSnapshot() => _model.RestoreSnapshot();

    /// <inheritdoc />
    public nn.Module<Tensor, Tensor> ToModule(int index, ScorerArchitecture architecture, int inputDimension, Device device) =>
        _model.ToModule(index, architecture, inputDimension, device);

    /// <inheritdoc />
    public float[] ScoreOwnFold(int[] fold)
    {
        int k = _model.Count;
        int n = fold.Length;
        int d = (int)_x.shape[1];
        var members = Enumerable.Range(0, k).Select(f => new List<long>()).ToArray();
        for (int i = 0; i < n; i++)
        {
            members[fold[i]].Add(i);
        }
        int width = members.Max(m => m.Count);
        int chunk = Math.Max(1, ScoringRows / k);
        var result = new float[n];
        using var noGrad = torch.no_grad();
        for (int start = 0; start < width; start += chunk)
        {
            int len = Math.Min(chunk, width - start);
            var idx = new long[k * len];
            for (int f = 0; f < k; f++)
            {
                for (int j = 0; j < len && start + j < members[f].Count; j++)
                {
                    idx[(f * len) + j] = members[f][start + j];
                }
            }
            using var scope = NewDisposeScope();
            var rows = FeatureMatrix.MoveTo(torch.tensor(idx), _x.device);
            var scores = _model.Forward(_x.index_select(0, rows).view(k, len, d), training: false).to(ScalarType.Float32).cpu().data<float>().ToArray();
            for (int f = 0; f < k; f++)
            {
                for (int j = 0; j < len && start + j < members[f].Count; j++)
                {
                    result[members[f][start + j]] = scores[(f * len) + j];
                }
            }
        }
        return result;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _held?.Dispose();
        _model.Dispose();
    }
}
