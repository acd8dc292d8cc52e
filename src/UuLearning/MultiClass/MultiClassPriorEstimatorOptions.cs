namespace UuLearning;

/// <summary>Options for <see cref="MultiClassPriorEstimator"/>.</summary>
/// <remarks>Validated once, when the estimator is constructed; the estimator copies the values.</remarks>
public sealed class MultiClassPriorEstimatorOptions
{
    /// <summary>Nominal coverage of the reported intervals.</summary>
    /// <value>Default 0.95. Allowed range: 0.5 to 0.999.</value>
    public double ConfidenceLevel { get; set; } = 0.95;

    /// <summary>
    /// Strength of the Dirichlet prior on each row of Theta, in pseudo-items. The prior's mean is the pooled structure of
    /// the whole sample (the labeler's overall agreement rate on the diagonal, the rest spread evenly), so a row with few
    /// labeled items is pulled toward it, and a row with none takes it.
    /// </summary>
    /// <value>Default 2. Allowed range: 0.01 to 100.</value>
    public double DirichletStrength { get; set; } = 2;

    /// <summary>The largest condition number of Theta accepted for training. Above it the pseudo-labeled sets are too alike
    /// (the K-class analogue of thetaP close to thetaN) and the estimate is refused with a message naming the two most
    /// alike sets.</summary>
    /// <value>Default 20: for K = 2 with thetaN = 1 - thetaP the condition number is 1 / (thetaP - thetaN), so 20 is the binary minimum margin <see cref="ClassPriors.MinimumMargin"/>. Allowed range: 2 to 1e6.</value>
    public double MaxConditionNumber { get; set; } = 20;

    /// <summary>Posterior draws for the class priors' intervals (a seeded Monte Carlo over the rows' Dirichlet posteriors).</summary>
    /// <value>Default 2000. Allowed range: 200 to 1,000,000.</value>
    public int Draws { get; set; } = 2000;

    /// <summary>Seed of the Monte Carlo draws.</summary>
    /// <value>Default 20250217.</value>
    public int Seed { get; set; } = 20250217;
}
