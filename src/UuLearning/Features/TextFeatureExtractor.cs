using Microsoft.Extensions.AI;

namespace UuLearning;

/// <summary>
/// Turns texts into feature vectors with one <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> and one set of
/// <see cref="TextFeatureOptions"/>: <see cref="TextFeatures.EmbedAsync"/> bound to them, as a service for dependency
/// injection (see <c>UuLearningBuilder.UseEmbeddingGeneratorFeatures</c>).
/// </summary>
/// <remarks>Thread-safe if the generator is. Does not own or dispose the generator.</remarks>
public sealed class TextFeatureExtractor
{
    private readonly TextFeatureOptions? _options;

    /// <summary>Creates an extractor.</summary>
    /// <param name="generator">The embedding generator (not owned).</param>
    /// <param name="options">Batch size, expected dimension and generation options; <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="generator"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is outside its range (the exception names the property).</exception>
    public TextFeatureExtractor(IEmbeddingGenerator<string, Embedding<float>> generator, TextFeatureOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(generator);
        options?.Validate();
        Generator = generator;
        _options = options;
    }

    /// <summary>The embedding generator used.</summary>
    public IEmbeddingGenerator<string, Embedding<float>> Generator { get; }

    /// <summary>Embeds <paramref name="texts"/>; see <see cref="TextFeatures.EmbedAsync"/> for the rules (batches, empty texts, checks).</summary>
    /// <param name="texts">The texts, one per item.</param>
    /// <param name="progress">Receives the number of items done after each batch.</param>
    /// <param name="cancellationToken">Cancels between batches.</param>
    /// <returns>One vector per text, in order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="texts"/> or an entry is null.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public Task<IReadOnlyList<ReadOnlyMemory<float>>> EmbedAsync(IReadOnlyList<string> texts, IProgress<int>? progress = null, CancellationToken cancellationToken = default) =>
        TextFeatures.EmbedAsync(Generator, texts, _options, progress, cancellationToken);
}
