namespace UuLearning.DependencyInjection;

/// <summary>The rules of <see cref="HashingFeaturizerOptions"/>, used by <see cref="HashingTextFeaturizer.Fit"/>.</summary>
internal sealed class HashingFeaturizerOptionsValidator : OptionsValidator<HashingFeaturizerOptions>
{
    public static HashingFeaturizerOptionsValidator Instance { get; } = new();

    protected internal override IEnumerable<OptionsViolation?> Rules(HashingFeaturizerOptions options)
    {
        yield return Range(nameof(options.Dimensions), options.Dimensions, 8, 1 << 20);
        yield return Defined(nameof(options.Projection), options.Projection);
        yield return Range(nameof(options.HashBits), options.HashBits, 10, 24);
        yield return Range(nameof(options.MaxWordNGram), options.MaxWordNGram, 0, 4);
        yield return Range(nameof(options.MaxCharNGram), options.MaxCharNGram, 0, 8);
        yield return Require(options.MaxCharNGram == 0 || (options.MinCharNGram >= 1 && options.MinCharNGram <= options.MaxCharNGram),
            nameof(options.MinCharNGram), options.MinCharNGram, "must be between 1 and MaxCharNGram.");
        yield return Require(options.MaxWordNGram > 0 || options.MaxCharNGram > 0, nameof(options.MaxWordNGram), options.MaxWordNGram,
            "and MaxCharNGram cannot both be 0: enable word or character n-grams.");
    }
}
