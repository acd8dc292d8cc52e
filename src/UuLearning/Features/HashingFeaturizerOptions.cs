namespace UuLearning;

/// <summary>Options for <see cref="HashingTextFeaturizer.Fit"/>.</summary>
/// <remarks>Validated once by <see cref="HashingTextFeaturizer.Fit"/>, which copies the values: changing an instance
/// later does not affect a fitted featurizer.</remarks>
public sealed class HashingFeaturizerOptions
{
    /// <summary>The length of every output vector.</summary>
    /// <value>Default 4096. Allowed range: 8 to 1,048,576.</value>
    /// <remarks>Measured on our four datasets (docs/features.md), a classifier on 4096 dimensions beats one on 384 by
    /// 1 to 6 accuracy points; the random projection and the signed hashing trick are equally accurate at the same size.
    /// Use 384 with <see cref="HashingProjection.Random"/> when memory matters more (100,000 items take 1.6 GB at 4096,
    /// 150 MB at 384).</remarks>
    public int Dimensions { get; set; } = 4096;

    /// <summary>How the hashed TF-IDF vector is mapped to <see cref="Dimensions"/> components.</summary>
    /// <value>Default <see cref="HashingProjection.SignedHashing"/> (as accurate as the random projection at 4096
    /// dimensions and several times faster).</value>
    public HashingProjection Projection { get; set; } = HashingProjection.SignedHashing;

    /// <summary>Base-2 logarithm of the number of hash buckets n-grams are counted in (and IDF is fitted over).</summary>
    /// <value>Default 20 (1,048,576 buckets, 4 MB of IDF weights). Allowed range: 10 to 24.</value>
    public int HashBits { get; set; } = 20;

    /// <summary>The longest word n-gram (1 = words only, 2 = words and word pairs).</summary>
    /// <value>Default 2. Allowed range: 0 (no word features) to 4.</value>
    public int MaxWordNGram { get; set; } = 2;

    /// <summary>The shortest character n-gram, taken inside each word padded by one space on each side.</summary>
    /// <value>Default 2. Allowed range: 1 to <see cref="MaxCharNGram"/>.</value>
    public int MinCharNGram { get; set; } = 2;

    /// <summary>The longest character n-gram; 0 disables character features.</summary>
    /// <value>Default 4. Allowed range: 0 to 8, and at least <see cref="MinCharNGram"/> unless 0.</value>
    public int MaxCharNGram { get; set; } = 4;

    /// <summary>Whether term frequencies are damped to <c>1 + ln(tf)</c>.</summary>
    /// <value>Default <see langword="true"/>.</value>
    public bool SublinearTermFrequency { get; set; } = true;

    /// <summary>The seed of the hash functions and of the random projection; different seeds give different
    /// (equally good) features.</summary>
    /// <value>Default 0x5EED.</value>
    public long Seed { get; set; } = 0x5EED;

    internal void Validate()
    {
        if (Dimensions is < 8 or > 1 << 20)
        {
            throw new ArgumentOutOfRangeException(nameof(Dimensions), Dimensions, "HashingFeaturizerOptions.Dimensions must be between 8 and 1,048,576.");
        }

        if (!Enum.IsDefined(Projection))
        {
            throw new ArgumentOutOfRangeException(nameof(Projection), Projection, "HashingFeaturizerOptions.Projection must be Random or SignedHashing.");
        }

        if (HashBits is < 10 or > 24)
        {
            throw new ArgumentOutOfRangeException(nameof(HashBits), HashBits, "HashingFeaturizerOptions.HashBits must be between 10 and 24.");
        }

        if (MaxWordNGram is < 0 or > 4)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxWordNGram), MaxWordNGram, "HashingFeaturizerOptions.MaxWordNGram must be between 0 and 4.");
        }

        if (MaxCharNGram is < 0 or > 8)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxCharNGram), MaxCharNGram, "HashingFeaturizerOptions.MaxCharNGram must be between 0 and 8.");
        }

        if (MaxCharNGram > 0 && (MinCharNGram < 1 || MinCharNGram > MaxCharNGram))
        {
            throw new ArgumentOutOfRangeException(nameof(MinCharNGram), MinCharNGram, "HashingFeaturizerOptions.MinCharNGram must be between 1 and MaxCharNGram.");
        }

        if (MaxWordNGram == 0 && MaxCharNGram == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxWordNGram), MaxWordNGram, "HashingFeaturizerOptions.MaxWordNGram and MaxCharNGram cannot both be 0: enable word or character n-grams.");
        }
    }
}
