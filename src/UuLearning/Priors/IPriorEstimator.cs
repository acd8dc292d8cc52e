namespace UuLearning;

/// <summary>Estimates thetaP, thetaN and pi from the current pseudo-labels of the corpus and the labeled sample.</summary>
/// <remarks>
/// Implementations must use no gold information beyond the labeled sample (the oracle estimator, a research
/// tool, is the documented exception). They are called once per refinement round with the same sample. Implementations
/// are expected to be thread-safe and stateless between calls.
/// </remarks>
public interface IPriorEstimator
{
    /// <summary>Estimates the class priors.</summary>
    /// <param name="pseudoLabels">The current pseudo-label of every corpus item; abstained items are ignored.</param>
    /// <param name="sample">The gold-labeled sample (indices into <paramref name="pseudoLabels"/>).</param>
    /// <returns>Point estimates with intervals and counts.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A sample index is outside the corpus.</exception>
    /// <exception cref="InvalidOperationException">The data cannot support UU learning (an empty pseudo-labeled set, a
    /// sample with one gold class, or thetaP and thetaN not distinguishable); the message says what to do.</exception>
    PriorEstimate Estimate(IReadOnlyList<PseudoLabel> pseudoLabels, LabeledSample sample);
}
