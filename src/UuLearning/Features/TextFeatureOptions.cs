using Microsoft.Extensions.AI;

namespace UuLearning;

/// <summary>Options for <see cref="TextFeatures.EmbedAsync"/>.</summary>
/// <remarks>Validated once when <see cref="TextFeatures.EmbedAsync"/> starts. Do not mutate an instance while a call
/// that uses it is running.</remarks>
public sealed class TextFeatureOptions
{
    /// <summary>The most texts sent to the generator in one <c>GenerateAsync</c> call.</summary>
    /// <value>Default 64. Allowed range: 1 to 100,000.</value>
    public int BatchSize { get; set; } = 64;

    /// <summary>The vector length every item must have, or <see langword="null"/> to take it from the generator's
    /// metadata (<see cref="EmbeddingGeneratorMetadata.DefaultModelDimensions"/>) or, failing that, from the first vector returned.</summary>
    /// <value>Default <see langword="null"/>. Allowed range when set: 1 to 1,000,000.</value>
    public int? Dimensions { get; set; }

    /// <summary>Options passed unchanged to every <c>GenerateAsync</c> call (model id, dimensions, provider settings).</summary>
    /// <value>Default <see langword="null"/>.</value>
    public EmbeddingGenerationOptions? GenerationOptions { get; set; }

    internal void Validate() => UuLearning.DependencyInjection.TextFeatureOptionsValidator.Instance.ThrowIfInvalid(this);
}
