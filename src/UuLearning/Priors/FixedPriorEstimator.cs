namespace UuLearning;

/// <summary>Returns user-given class priors unchanged, every round, with zero-width intervals.</summary>
/// <remarks>
/// Use it when the priors are known from elsewhere, or to reproduce an experiment. Because the pseudo-labels change
/// between rounds while the given values do not, the priors will usually be wrong after the first round; prefer
/// <see cref="FewLabelPriorEstimator"/> when a labeled sample exists. Immutable and thread-safe.
/// </remarks>
public sealed class FixedPriorEstimator : IPriorEstimator
{
    private readonly ClassPriors _priors;

    /// <summary>Creates the estimator.</summary>
    /// <param name="priors">The priors to return.</param>
    /// <exception cref="ArgumentNullException"><paramref name="priors"/> is null.</exception>
    public FixedPriorEstimator(ClassPriors priors)
    {
        ArgumentNullException.ThrowIfNull(priors);
        _priors = priors;
    }

    /// <summary>The priors this estimator returns.</summary>
    public ClassPriors Priors => _priors;

    /// <inheritdoc />
    /// <remarks>The corpus and the sample are checked and counted (for <see cref="PriorEstimate.Counts"/>) but do not
    /// change the returned values. Intervals have zero width and level 1.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="pseudoLabels"/> or <paramref name="sample"/> is null.</exception>
    public PriorEstimate Estimate(IReadOnlyList<PseudoLabel> pseudoLabels, LabeledSample sample)
    {
        var tally = PriorTally.Count(pseudoLabels, sample);
        return new PriorEstimate(_priors,
            new ConfidenceInterval(_priors.ThetaP, _priors.ThetaP, 1.0),
            new ConfidenceInterval(_priors.ThetaN, _priors.ThetaN, 1.0),
            new ConfidenceInterval(_priors.Pi, _priors.Pi, 1.0),
            tally.ToCounts(),
            "fixed (user-given values)");
    }
}
