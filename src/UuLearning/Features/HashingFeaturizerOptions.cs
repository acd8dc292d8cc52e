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

    internal void Validate() => UuLearning.DependencyInjection.HashingFeaturizerOptionsValidator.Instance.ThrowIfInvalid(this);
}
