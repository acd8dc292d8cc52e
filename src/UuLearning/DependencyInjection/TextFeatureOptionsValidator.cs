namespace UuLearning.DependencyInjection;

/// <summary>The rules of <see cref="TextFeatureOptions"/>, used by <see cref="TextFeatures.EmbedAsync"/>,
/// <see cref="TextFeatureExtractor"/> and Microsoft.Extensions.Options.</summary>
internal sealed class TextFeatureOptionsValidator : OptionsValidator<TextFeatureOptions>
{
    public static TextFeatureOptionsValidator Instance { get; } = new();

    protected internal override IEnumerable<OptionsViolation?> Rules(TextFeatureOptions options)
    {
        yield return Range(nameof(options.BatchSize), options.BatchSize, 1, 100_000);
        yield return Require(options.Dimensions is not int d || (d >= 1 && d <= 1_000_000), nameof(options.Dimensions), options.Dimensions,
            "must be null or between 1 and 1000000.");
    }
}
