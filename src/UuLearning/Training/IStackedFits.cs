using TorchSharp;
using static TorchSharp.torch;

namespace UuLearning;

/// <summary>
/// K scorers of one architecture trained side by side, one per <see cref="FitPlan"/>, by the epoch loop of
/// <c>UuTrainer</c> (which keeps the learning-rate schedule, risk bookkeeping, best-epoch choice and logging). Two
/// implementations: <see cref="TorchStackedFits"/> (linear and MLP heads as stacked TorchSharp parameters, any device)
/// and <see cref="ManagedLinearFits"/> (the linear head on the CPU in managed code, where TorchSharp's per-call overhead
/// is most of a step's cost).
/// </summary>
internal interface IStackedFits : IDisposable
{
    /// <summary>K, the number of fits.</summary>
    int Count { get; }

    /// <summary>
    /// Runs one epoch: batch b of fit f holds <c>orders[f][bounds[f][b]]</c>; each non-empty batch of a fit is one
    /// AdamW step at the learning rate <see cref="UuTrainer.LearningRateAt"/> gives for <c>stepCounts[f]</c>, which
    /// is then incremented.
    /// </summary>
    /// <returns>Per fit, the sum over its batches of the batch risk.</returns>
    double[] TrainEpoch(FitPlan[] plans, long[][] orders, (int Start, int Length)[][] bounds, long[] stepCounts, double peakLearningRate, CancellationToken cancellationToken);

    /// <summary>Per fit, the objective on its held-out items with the current parameters (no dropout, no gradients).</summary>
    double[] HeldOutRisks(FitPlan[] plans);

    /// <summary>Keeps a copy of the parameters of the fits marked in <paramref name="take"/>.</summary>
    void Snapshot(bool[] take);

    /// <summary>Puts the snapshot's parameters back (no-op without one).</summary>
    void RestoreSnapshot();

    /// <summary>Fit <paramref name="index"/> as a stand-alone module of its architecture on <paramref name="device"/>.</summary>
    nn.Module<Tensor, Tensor> ToModule(int index, ScorerArchitecture architecture, int inputDimension, Device device);

    /// <summary>Scores each item with the fit of its own fold (<paramref name="fold"/>[i] in 0..K-1).</summary>
    float[] ScoreOwnFold(int[] fold);
}
