namespace UuLearning;

/// <summary>How <see cref="HashingTextFeaturizer"/> maps its hashed TF-IDF vector to the output dimension.</summary>
public enum HashingProjection
{
    /// <summary>A fixed, seeded random projection (a random +-1 vector per hash bucket) to a dense vector: every output
    /// component mixes all n-grams, so a small dimension (384) keeps most of the information.</summary>
    Random = 0,

    /// <summary>The signed hashing trick: each n-gram lands in one output component with a hashed sign. The output is
    /// sparse (most components zero); it needs a larger dimension (thousands) to avoid collisions.</summary>
    SignedHashing = 1,
}
