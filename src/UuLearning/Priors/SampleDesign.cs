namespace UuLearning;

/// <summary>How the gold-labeled sample was drawn from the corpus. The prior estimators read each design differently.</summary>
public enum SampleDesign
{
    /// <summary>Items drawn uniformly at random from the corpus (without replacement); the sample's class mix estimates the corpus's.</summary>
    UniformRandom = 0,

    /// <summary>
    /// Items drawn separately from each gold class (for example 25 positives and 25 negatives, as in the paper's code).
    /// The sample's class mix then says nothing about the corpus's class prior.
    /// </summary>
    StratifiedByClass = 1,
}
