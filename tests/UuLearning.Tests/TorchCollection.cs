namespace UuLearning.Tests;

/// <summary>
/// Tests that touch TorchSharp share process-wide native state (the RNG, thread pools, dispose-scope statistics), so
/// they run one at a time: put <c>[Collection(TorchCollection.Name)]</c> on every such test class.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TorchCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "TorchSharp";
}
