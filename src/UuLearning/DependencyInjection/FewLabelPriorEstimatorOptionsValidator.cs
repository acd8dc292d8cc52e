namespace UuLearning.DependencyInjection;

/// <summary>The rules of <see cref="FewLabelPriorEstimatorOptions"/>, used by <see cref="FewLabelPriorEstimator"/>'s
/// constructor and by Microsoft.Extensions.Options.</summary>
internal sealed class FewLabelPriorEstimatorOptionsValidator : OptionsValidator<FewLabelPriorEstimatorOptions>
{
    public static FewLabelPriorEstimatorOptionsValidator Instance { get; } = new();

    protected internal override IEnumerable<OptionsViolation?> Rules(FewLabelPriorEstimatorOptions options)
    {
        yield return Range(nameof(options.ConfidenceLevel), options.ConfidenceLevel, 0.5, 0.999, " (0.95 is usual)");
        yield return Require(options.KnownPi is not double pi || (pi > 0 && pi < 1), nameof(options.KnownPi), options.KnownPi,
            "must be strictly between 0 and 1, or null to solve pi from the corpus and the sample.");
        yield return Range(nameof(options.BootstrapDraws), options.BootstrapDraws, 200, 1_000_000, " (2000 is usual)");
    }
}
