using Microsoft.Extensions.AI;

namespace UuLearning.Cli;

/// <summary>The text representations the CLI offers (--features).</summary>
internal static class FeatureFactory
{
    public const string Hashing = "hashing";
    public const string MiniLm = "minilm";

    public static readonly string[] Names = [Hashing, MiniLm];

    /// <summary>The default on-disk cache for MiniLM vectors: $XDG_CACHE_HOME/uulearning/embeddings or ~/.cache/uulearning/embeddings.</summary>
    public static string DefaultCacheDirectory(Func<string, string?> environment)
    {
        string? xdg = environment("XDG_CACHE_HOME");
        string root = !string.IsNullOrWhiteSpace(xdg)
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(root, "uulearning", "embeddings");
    }

    /// <summary>The MiniLM generator's settings for <c>--minilm-threads</c> (null = the generator's default threads).</summary>
    public static MiniLmEmbeddingGeneratorOptions MiniLmOptions(int? threads) => new() { IntraOpThreads = threads ?? 0 };

    /// <summary>Embeds the texts; returns the vectors and a description for the report.</summary>
    public static async Task<(IReadOnlyList<ReadOnlyMemory<float>> Vectors, string Description)> EmbedAsync(
        string name, IReadOnlyList<string> texts, string? cacheDirectory, int? miniLmThreads, IProgress<int> progress, CancellationToken cancellationToken)
    {
        switch (name)
        {
            case Hashing:
            {
                using var featurizer = HashingTextFeaturizer.Fit(texts);
                var vectors = await TextFeatures.EmbedAsync(featurizer, texts, null, progress, cancellationToken).ConfigureAwait(false);
                return (vectors, $"hashing ({featurizer.Dimensions} dimensions, {featurizer.Projection})");
            }
            case MiniLm:
            {
                IEmbeddingGenerator<string, Embedding<float>> generator = new MiniLmEmbeddingGenerator(MiniLmOptions(miniLmThreads));
                if (cacheDirectory is not null)
                {
                    generator = new DiskCachingEmbeddingGenerator(generator, cacheDirectory);
                }
                using (generator)
                {
                    var vectors = await TextFeatures.EmbedAsync(generator, texts, null, progress, cancellationToken).ConfigureAwait(false);
                    return (vectors, $"minilm ({MiniLmEmbeddingGenerator.ModelId}, {MiniLmEmbeddingGenerator.Dimensions} dimensions)");
                }
            }
            default:
                throw new CliException($"Unknown features '{name}'; use one of: {string.Join(", ", Names)}.", ExitCodes.UsageError);
        }
    }
}
