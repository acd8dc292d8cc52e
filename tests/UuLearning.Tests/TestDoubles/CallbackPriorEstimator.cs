namespace UuLearning.Tests.TestDoubles;

/// <summary>A prior estimator driven by a callback (round number, pseudo-labels, sample).</summary>
internal sealed class CallbackPriorEstimator(Func<int, IReadOnlyList<PseudoLabel>, LabeledSample, PriorEstimate> callback) : IPriorEstimator
{
    private int _calls;

    public int Calls => _calls;

    public PriorEstimate Estimate(IReadOnlyList<PseudoLabel> pseudoLabels, LabeledSample sample) =>
        callback(Interlocked.Increment(ref _calls), pseudoLabels, sample);
}
