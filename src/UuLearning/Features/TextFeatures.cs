using System.Globalization;
using Microsoft.Extensions.AI;

namespace UuLearning;

/// <summary>
/// Turns texts into the feature rows refinement consumes (<c>IReadOnlyList&lt;ReadOnlyMemory&lt;float&gt;&gt;</c>, one row
/// per item, all of one length) through any <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/>: the built-in
/// <see cref="HashingTextFeaturizer"/>, the MiniLM add-on, or a provider such as OpenAI, Azure or Ollama.
/// </summary>
/// <remarks>All members are thread-safe; they do not own or dispose the generator they are given.</remarks>
public static class TextFeatures
{
    /// <summary>Embeds <paramref name="texts"/> in batches and checks every vector.</summary>
    /// <param name="generator">The embedding generator (not disposed).</param>
    /// <param name="texts">The texts, one per item. Null entries are not allowed. Empty and whitespace-only texts are not
    /// sent to the generator (many providers reject them) and get the zero vector. Identical texts are sent once.</param>
    /// <param name="options">Batch size, expected dimension and per-call generation options; <see langword="null"/> for the defaults.</param>
    /// <param name="progress">Receives the number of items done so far after each batch (finally <c>texts.Count</c>).</param>
    /// <param name="cancellationToken">Cancels between batches and is passed to the generator.</param>
    /// <returns>One row per text, in order; rows of identical texts share storage. Treat rows as read-only.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="generator"/>, <paramref name="texts"/> or an entry is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is outside its allowed range (the message names it).</exception>
    /// <exception cref="InvalidOperationException">The generator returned the wrong number of vectors, a vector of the
    /// wrong length or one containing NaN or infinity (the message names the item index), or every text is empty and
    /// the dimension is unknown (set <see cref="TextFeatureOptions.Dimensions"/>).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    public static async Task<IReadOnlyList<ReadOnlyMemory<float>>> EmbedAsync(
        IEmbeddingGenerator<string, Embedding<float>> generator,
        IReadOnlyList<string> texts,
        TextFeatureOptions? options = null,
        IProgress<int>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(texts);
        options ??= new TextFeatureOptions();
        options.Validate();

        // Distinct non-blank texts, each remembering every item it stands for.
        var slotOf = new Dictionary<string, int>(StringComparer.Ordinal);
        var uniqueTexts = new List<string>();
        var firstItem = new List<int>();
        var multiplicity = new List<int>();
        var itemSlot = new int[texts.Count];
        var blank = 0;
        for (var i = 0; i < texts.Count; i++)
        {
            var text = texts[i] ?? throw new ArgumentNullException(nameof(texts), string.Create(CultureInfo.InvariantCulture, $"Text {i} is null; pass an empty string for an item without text."));
            if (string.IsNullOrWhiteSpace(text))
            {
                itemSlot[i] = -1;
                blank++;
                continue;
            }

            if (!slotOf.TryGetValue(text, out var slot))
            {
                slot = uniqueTexts.Count;
                slotOf.Add(text, slot);
                uniqueTexts.Add(text);
                firstItem.Add(i);
                multiplicity.Add(0);
            }

            multiplicity[slot]++;
            itemSlot[i] = slot;
        }

        var dimensions = options.Dimensions ?? options.GenerationOptions?.Dimensions
            ?? generator.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelDimensions;
        var vectors = new ReadOnlyMemory<float>[uniqueTexts.Count];
        var done = blank;
        for (var start = 0; start < uniqueTexts.Count; start += options.BatchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var count = Math.Min(options.BatchSize, uniqueTexts.Count - start);
            var batch = uniqueTexts.GetRange(start, count);
            var embeddings = await generator.GenerateAsync(batch, options.GenerationOptions, cancellationToken).ConfigureAwait(false);
            if (embeddings is null || embeddings.Count != count)
            {
                throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                    $"The embedding generator returned {embeddings?.Count ?? 0} vectors for a batch of {count} texts (items {firstItem[start]} onwards). Check the generator or lower TextFeatureOptions.BatchSize."));
            }

            for (var k = 0; k < count; k++)
            {
                var slot = start + k;
                var vector = embeddings[k]?.Vector ?? ReadOnlyMemory<float>.Empty;
                dimensions ??= vector.Length;
                if (vector.Length != dimensions || vector.Length == 0)
                {
                    throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                        $"The embedding of item {firstItem[slot]} has length {vector.Length}, expected {dimensions}. Every vector must have the same length; check the generator's model and dimension settings."));
                }

                var span = vector.Span;
                for (var j = 0; j < span.Length; j++)
                {
                    if (!float.IsFinite(span[j]))
                    {
                        throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                            $"The embedding of item {firstItem[slot]} contains {span[j]} at component {j}. The generator produced an invalid vector; check its input or model."));
                    }
                }

                vectors[slot] = vector;
                done += multiplicity[slot];
            }

            progress?.Report(done);
        }

        if (blank > 0 && dimensions is null)
        {
            throw new InvalidOperationException("Every text is empty or whitespace, so the embedding dimension is unknown: set TextFeatureOptions.Dimensions.");
        }

        var zero = blank > 0 ? new ReadOnlyMemory<float>(new float[dimensions!.Value]) : ReadOnlyMemory<float>.Empty;
        var rows = new ReadOnlyMemory<float>[texts.Count];
        for (var i = 0; i < rows.Length; i++)
        {
            rows[i] = itemSlot[i] < 0 ? zero : vectors[itemSlot[i]];
        }

        if (uniqueTexts.Count == 0)
        {
            progress?.Report(texts.Count);
        }

        return rows;
    }

    /// <summary>Concatenates several representations of the same items row by row, each row part L2-normalised and
    /// scaled by <c>1/sqrt(k)</c> for <c>k</c> representations, so every part weighs the same and rows of non-zero parts have unit length.</summary>
    /// <param name="representations">Two or more representations with the same number of rows; within each, rows have one length.</param>
    /// <returns>New rows whose length is the sum of the parts' lengths.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="representations"/> or an entry is null.</exception>
    /// <exception cref="ArgumentException">No representation is given, row counts differ, or rows within one representation differ in length.</exception>
    public static IReadOnlyList<ReadOnlyMemory<float>> Concatenate(params IReadOnlyList<IReadOnlyList<ReadOnlyMemory<float>>> representations)
    {
        ArgumentNullException.ThrowIfNull(representations);
        if (representations.Count == 0)
        {
            throw new ArgumentException("Pass at least one representation.", nameof(representations));
        }

        var rowCount = -1;
        var widths = new int[representations.Count];
        for (var r = 0; r < representations.Count; r++)
        {
            var rep = representations[r] ?? throw new ArgumentNullException(nameof(representations), string.Create(CultureInfo.InvariantCulture, $"Representation {r} is null."));
            if (rowCount >= 0 && rep.Count != rowCount)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Representation {r} has {rep.Count} rows but representation 0 has {rowCount}."), nameof(representations));
            }

            rowCount = rep.Count;
            widths[r] = rep.Count > 0 ? rep[0].Length : 0;
            for (var i = 0; i < rep.Count; i++)
            {
                if (rep[i].Length != widths[r])
                {
                    throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Row {i} of representation {r} has length {rep[i].Length} but row 0 has {widths[r]}."), nameof(representations));
                }
            }
        }

        var total = widths.Sum();
        var partScale = 1.0 / Math.Sqrt(representations.Count);
        var rows = new ReadOnlyMemory<float>[rowCount];
        for (var i = 0; i < rowCount; i++)
        {
            var row = new float[total];
            var offset = 0;
            for (var r = 0; r < representations.Count; r++)
            {
                var src = representations[r][i].Span;
                var norm = 0.0;
                foreach (var x in src)
                {
                    norm += (double)x * x;
                }

                var scale = norm > 0 ? (float)(partScale / Math.Sqrt(norm)) : 0f;
                for (var j = 0; j < src.Length; j++)
                {
                    row[offset + j] = src[j] * scale;
                }

                offset += src.Length;
            }

            rows[i] = row;
        }

        return rows;
    }
}
