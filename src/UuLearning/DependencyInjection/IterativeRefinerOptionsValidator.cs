namespace UuLearning.DependencyInjection;

/// <summary>The rules of <see cref="IterativeRefinerOptions"/> (its <see cref="IterativeRefinerOptions.Trainer"/> by the
/// trainer's rules, reported as <c>Trainer.X</c>): used by <see cref="IterativeRefinerOptions.Validate"/>, so by
/// <see cref="IterativeRefiner"/>'s constructor, and by Microsoft.Extensions.Options (at host start with ValidateOnStart).</summary>
internal sealed class IterativeRefinerOptionsValidator : OptionsValidator<IterativeRefinerOptions>
{
    public static IterativeRefinerOptionsValidator Instance { get; } = new();

    protected internal override IEnumerable<OptionsViolation?> Rules(IterativeRefinerOptions options)
    {
        yield return Range(nameof(options.MaxRounds), options.MaxRounds, 1, 100);
        yield return Range(nameof(options.FlipTolerance), options.FlipTolerance, 0, 1);
        yield return Defined(nameof(options.Selection), options.Selection);
        yield return Range(nameof(options.CrossFitFolds), options.CrossFitFolds, 1, 20);
        yield return Require(options.ConfidentFlipThreshold > 0.5 && options.ConfidentFlipThreshold < 1, nameof(options.ConfidentFlipThreshold), options.ConfidentFlipThreshold, "must be above 0.5 and below 1.");
        yield return Range(nameof(options.HarmTolerance), options.HarmTolerance, 0, 0.2);
        yield return Defined(nameof(options.Relabeling), options.Relabeling);
        yield return Range(nameof(options.ConfidenceLevel), options.ConfidenceLevel, 0.5, 0.999);
        yield return NotNull(nameof(options.Trainer), options.Trainer);
        foreach (var violation in UuTrainerOptionsValidator.Instance.Rules(options.Trainer))
        {
            yield return violation?.Nested(TypeName, nameof(options.Trainer), nameof(UuTrainerOptions));
        }
    }
}
