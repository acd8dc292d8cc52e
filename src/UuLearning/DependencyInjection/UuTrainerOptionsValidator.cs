using System.Globalization;

namespace UuLearning.DependencyInjection;

/// <summary>The rules of <see cref="UuTrainerOptions"/>, used by <see cref="UuTrainerOptions.Validate"/> (so by
/// <see cref="UuTrainer"/>) and, nested, by the <see cref="IterativeRefinerOptions"/> validator.</summary>
internal sealed class UuTrainerOptionsValidator : OptionsValidator<UuTrainerOptions>
{
    public static UuTrainerOptionsValidator Instance { get; } = new();

    protected internal override IEnumerable<OptionsViolation?> Rules(UuTrainerOptions options)
    {
        yield return Defined(nameof(options.Objective), options.Objective);
        yield return Require(double.IsFinite(options.Lambda) && options.Lambda < 0, nameof(options.Lambda), options.Lambda, "must be negative and finite (the paper uses -0.001).");
        yield return Defined(nameof(options.Surrogate), options.Surrogate);
        yield return NotNull(nameof(options.Scorer), options.Scorer);
        yield return Range(nameof(options.Epochs), options.Epochs, 1, 10_000);
        yield return Range(nameof(options.BatchSize), options.BatchSize, 2, 1_000_000);
        yield return Require(options.LearningRate > 0 && options.LearningRate <= 10, nameof(options.LearningRate), options.LearningRate, "must be greater than 0 and at most 10.");
        yield return Range(nameof(options.WeightDecay), options.WeightDecay, 0, 10);
        yield return Range(nameof(options.WarmupFraction), options.WarmupFraction, 0, 0.5);
        yield return Range(nameof(options.HoldoutFraction), options.HoldoutFraction, 0, 0.5);
        yield return Range(nameof(options.Threads), options.Threads, 0, 1_024, " (0 chooses from the work)");
        yield return NotNull(nameof(options.Device), options.Device);
        yield return Require(IsDevice(options.Device), nameof(options.Device), options.Device, "must be \"cpu\", \"cuda\" or \"cuda:N\".");
    }

    private static bool IsDevice(string device) =>
        device == "cpu" || device == "cuda"
        || (device.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(device.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out _));
}
