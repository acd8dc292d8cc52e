namespace UuLearning;

/// <summary>The result of <see cref="MultiClassPriorEstimator"/>: the priors used for training and their intervals.</summary>
/// <param name="Priors">Point estimates (smoothed posterior means).</param>
/// <param name="ThetaIntervals">Interval of each entry of Theta, indexed [pseudo-label i][true class j].</param>
/// <param name="PiIntervals">Interval of each class prior.</param>
/// <param name="SetSizes">Corpus items per pseudo-labeled set (abstentions excluded); <c>rho_i</c> is their share.</param>
/// <param name="SampleCounts">Labeled items per (pseudo-label i, gold class j), indexed [i][j].</param>
/// <param name="Method">A short description of the estimator, for reports.</param>
public sealed record MultiClassPriorEstimate(
    MultiClassPriors Priors,
    IReadOnlyList<IReadOnlyList<ConfidenceInterval>> ThetaIntervals,
    IReadOnlyList<ConfidenceInterval> PiIntervals,
    IReadOnlyList<int> SetSizes,
    IReadOnlyList<IReadOnlyList<int>> SampleCounts,
    string Method);
