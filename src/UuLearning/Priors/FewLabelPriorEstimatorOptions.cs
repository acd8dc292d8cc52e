namespace UuLearning;

/// <summary>Options for <see cref="FewLabelPriorEstimator"/>.</summary>
/// <remarks>
/// Validated once, when the estimator is constructed; the estimator copies the values, so later changes to this
/// instance do not affect it. Not thread-safe while being mutated.
/// </remarks>
public sealed class FewLabelPriorEstimatorOptions
{
    /// <summary>Nominal coverage of the reported confidence intervals.</summary>
    /// <value>Default 0.95. Allowed range: 0.5 to 0.999.</value>
    public double ConfidenceLevel { get; set; } = 0.95;

    /// <summary>
    /// The positive class prior <c>pi</c>, when the user knows it from elsewhere (a previous survey, the data source).
    /// Used only with a <see cref="SampleDesign.StratifiedByClass"/> sample, whose class mix says nothing about <c>pi</c>;
    /// a <see cref="SampleDesign.UniformRandom"/> sample estimates <c>pi</c> itself and ignores this value.
    /// </summary>
    /// <value>
    /// Default <see langword="null"/>: with a stratified sample <c>pi</c> is then solved from
    /// <c>rho = pi TPR + (1 - pi) FPR</c>, which is far noisier when <c>pi</c> is far from 0.5 (see docs/priors.md).
    /// Allowed range: strictly between 0 and 1.
    /// </value>
    public double? KnownPi { get; set; }

    /// <summary>
    /// Number of posterior draws used for the intervals of a stratified sample when <c>pi</c> is solved from <c>rho</c>
    /// (a seeded parametric bootstrap from the Jeffreys posteriors of TPR and FPR).
    /// </summary>
    /// <value>Default 2000. Allowed range: 200 to 1,000,000.</value>
    public int BootstrapDraws { get; set; } = 2000;

    /// <summary>Seed of the bootstrap, so that the same inputs always give the same intervals.</summary>
    /// <value>Default 20250217. Any value is allowed.</value>
    public int BootstrapSeed { get; set; } = 20250217;
}
