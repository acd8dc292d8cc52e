using Microsoft.Extensions.AI;

namespace UuLearning.Tests;

/// <summary>A callback-driven embedding generator that records every call.</summary>
public sealed class TestEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    /// <summary>Produces the vectors for one call; defaults to <see cref="DefaultVectors"/>.</summary>
    public Func<IReadOnlyList<string>, EmbeddingGenerationOptions?, CancellationToken, IReadOnlyList<float[]>> GenerateCallback { get; set; } =
        (texts, _, _) => DefaultVectors(texts, 4);

    public EmbeddingGeneratorMetadata? Metadata { get; set; } = new("test-provider", null, "test-model", null);

    public List<IReadOnlyList<string>> Calls { get; } = [];

    public int TextsEmbedded => Calls.Sum(c => c.Count);

    public bool Disposed { get; private set; }

    /// <summary>A deterministic vector per text: component j = (len + 1) * (j + 1) + first char code.</summary>
    public static IReadOnlyList<float[]> DefaultVectors(IReadOnlyList<string> texts, int dimensions) =>
        texts.Select(t => Enumerable.Range(0, dimensions).Select(j => (float)((t.Length + 1) * (j + 1) + (t.Length > 0 ? t[0] : 0))).ToArray()).ToList();

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        var texts = values.ToList();
        Calls.Add(texts);
        cancellationToken.ThrowIfCancellationRequested();
        var vectors = GenerateCallback(texts, options, cancellationToken);
        var result = new GeneratedEmbeddings<Embedding<float>>(vectors.Select(v => new Embedding<float>(v)));
        return Task.FromResult(result);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType == typeof(EmbeddingGeneratorMetadata) ? Metadata
        : serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose() => Disposed = true;
}
