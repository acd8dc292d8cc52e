using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.AI;

namespace UuLearning;

/// <summary>
/// A fast, dependency-free text featurizer: hashed word n-grams and character n-grams (inside word boundaries),
/// weighted by TF-IDF fitted on a corpus, mapped to a fixed dimension and L2-normalised. Works for any language and
/// script (text is NFKC-normalised and lower-cased; words are runs of letters, digits and combining marks; every other
/// non-space character is a one-character token; scripts without spaces are covered by the character n-grams).
/// </summary>
/// <remarks>
/// <para>Create one with <see cref="Fit"/>: inverse document frequencies are learned from the corpus you pass, normally
/// the very texts you will featurize. Output is deterministic: the same options, corpus and text give the same
/// vector on every machine and run (no randomness besides the fixed <see cref="HashingFeaturizerOptions.Seed"/>).</para>
/// <para>An empty or whitespace-only text (or one with no tokens) gives the zero vector; every other vector has unit length.</para>
/// <para>Immutable after fitting and thread-safe: any number of threads may call <see cref="Transform(string)"/> and
/// <see cref="GenerateAsync"/> at once. <see cref="Dispose"/> does nothing.</para>
/// </remarks>
public sealed class HashingTextFeaturizer : IEmbeddingGenerator<string, Embedding<float>>
{
    /// <summary>The provider name reported in <see cref="Metadata"/>.</summary>
    public const string ProviderName = "UuLearning.Hashing";

    private const ulong WordNamespace = 0x9E3779B97F4A7C15UL;
    private const ulong CharNamespace = 0xC2B2AE3D27D4EB4FUL;
    private const ulong ProjectionNamespace = 0x165667B19E3779F9UL;
    private const int ParallelThreshold = 32;

    private static readonly Vector256<float>[] SignTable = BuildSignTable();

    [ThreadStatic]
    private static Scratch? t_scratch;

    private readonly float[] _idf;
    private readonly int _hashBits;
    private readonly int _maxWordNGram;
    private readonly int _minCharNGram;
    private readonly int _maxCharNGram;
    private readonly bool _sublinear;
    private readonly ulong _seed;

    private HashingTextFeaturizer(HashingFeaturizerOptions options, float[] idf, int documentCount)
    {
        Dimensions = options.Dimensions;
        Projection = options.Projection;
        _hashBits = options.HashBits;
        _maxWordNGram = options.MaxWordNGram;
        _minCharNGram = options.MinCharNGram;
        _maxCharNGram = options.MaxCharNGram;
        _sublinear = options.SublinearTermFrequency;
        _seed = unchecked((ulong)options.Seed);
        _idf = idf;
        DocumentCount = documentCount;
        ModelId = string.Create(CultureInfo.InvariantCulture,
            $"hashing-v1-{(Projection == HashingProjection.Random ? "rp" : "sh")}{Dimensions}-b{_hashBits}-w{_maxWordNGram}-c{_minCharNGram}{_maxCharNGram}-{(_sublinear ? "log" : "raw")}-s{options.Seed:x}-idf{Fingerprint(idf, documentCount)}");
        Metadata = new EmbeddingGeneratorMetadata(ProviderName, null, ModelId, Dimensions);
    }

    /// <summary>The length of every vector this featurizer produces.</summary>
    public int Dimensions { get; }

    /// <summary>How the hashed TF-IDF vector is mapped to <see cref="Dimensions"/>.</summary>
    public HashingProjection Projection { get; }

    /// <summary>The number of corpus documents the IDF weights were fitted on.</summary>
    public int DocumentCount { get; }

    /// <summary>An identifier of the options and of the fitted IDF weights (a fingerprint), so that caches keyed by model
    /// id never mix vectors of two different fits.</summary>
    public string ModelId { get; }

    /// <summary>Metadata naming <see cref="ProviderName"/>, <see cref="ModelId"/> and <see cref="Dimensions"/>.</summary>
    public EmbeddingGeneratorMetadata Metadata { get; }

    /// <summary>Fits TF-IDF weights on <paramref name="corpus"/> and returns a featurizer ready to use.</summary>
    /// <param name="corpus">The documents to learn document frequencies from, normally the texts you will featurize.
    /// Null entries are not allowed; empty ones count as documents without terms.</param>
    /// <param name="options">Options, or <see langword="null"/> for the defaults (4096 dimensions, signed hashing,
    /// word 1-2-grams, character 2-4-grams).</param>
    /// <returns>A fitted, immutable featurizer.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="corpus"/> or one of its entries is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is outside its allowed range (the message names it).</exception>
    /// <exception cref="ArgumentException"><paramref name="corpus"/> is empty.</exception>
    /// <remarks>Runs on the calling thread and the thread pool (documents are processed in parallel); the result does not
    /// depend on the degree of parallelism.</remarks>
    public static HashingTextFeaturizer Fit(IEnumerable<string> corpus, HashingFeaturizerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        options ??= new HashingFeaturizerOptions();
        options.Validate();
        var copy = new HashingFeaturizerOptions
        {
            Dimensions = options.Dimensions,
            Projection = options.Projection,
            HashBits = options.HashBits,
            MaxWordNGram = options.MaxWordNGram,
            MinCharNGram = options.MinCharNGram,
            MaxCharNGram = options.MaxCharNGram,
            SublinearTermFrequency = options.SublinearTermFrequency,
            Seed = options.Seed,
        };
        var docs = corpus as IReadOnlyList<string> ?? corpus.ToList();
        if (docs.Count == 0)
        {
            throw new ArgumentException("The corpus is empty: pass the texts the featurizer should learn document frequencies from.", nameof(corpus));
        }

        for (var i = 0; i < docs.Count; i++)
        {
            if (docs[i] is null)
            {
                throw new ArgumentNullException(nameof(corpus), string.Create(CultureInfo.InvariantCulture, $"Corpus document {i} is null."));
            }
        }

        var buckets = 1 << copy.HashBits;
        var df = new int[buckets];
        var template = new HashingTextFeaturizer(copy, new float[1], 0);
        var merge = new object();
        Parallel.For(0, docs.Count, () => new int[buckets], (i, _, local) =>
        {
            var scratch = GetScratch(buckets);
            template.CountBuckets(docs[i], scratch);
            for (var k = 0; k < scratch.TouchedCount; k++)
            {
                var b = scratch.Touched[k];
                local[b]++;
                scratch.Counts[b] = 0;
            }

            return local;
        }, local =>
        {
            lock (merge)
            {
                for (var b = 0; b < local.Length; b++)
                {
                    df[b] += local[b];
                }
            }
        });

        var idf = new float[buckets];
        var n = docs.Count;
        for (var b = 0; b < buckets; b++)
        {
            idf[b] = (float)(Math.Log((1.0 + n) / (1.0 + df[b])) + 1.0);
        }

        return new HashingTextFeaturizer(copy, idf, n);
    }

    /// <summary>Featurizes one text.</summary>
    /// <param name="text">The text; empty or whitespace-only gives the zero vector.</param>
    /// <returns>A new array of length <see cref="Dimensions"/>, unit length unless the text has no tokens.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    public float[] Transform(string text)
    {
        var result = new float[Dimensions];
        Transform(text, result);
        return result;
    }

    /// <summary>Featurizes one text into a caller-supplied buffer.</summary>
    /// <param name="text">The text; empty or whitespace-only gives the zero vector.</param>
    /// <param name="destination">Receives the vector; its length must be <see cref="Dimensions"/>. Overwritten.</param>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> has the wrong length.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Transform(string text, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (destination.Length != Dimensions)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"The destination has length {destination.Length} but this featurizer produces {Dimensions} dimensions."), nameof(destination));
        }

        destination.Clear();
        var scratch = GetScratch(1 << _hashBits);
        CountBuckets(text, scratch);
        for (var k = 0; k < scratch.TouchedCount; k++)
        {
            var b = scratch.Touched[k];
            var c = scratch.Counts[b];
            scratch.Counts[b] = 0;
            var tf = _sublinear ? 1f + MathF.Log(c) : c;
            var w = tf * _idf[b];
            if (Projection == HashingProjection.Random)
            {
                AddProjection(b, w, destination);
            }
            else
            {
                var h = Mix((ulong)b ^ _seed ^ ProjectionNamespace);
                var index = (int)((h >> 1) % (ulong)Dimensions);
                destination[index] += (h & 1) == 0 ? w : -w;
            }
        }

        Normalize(destination);
    }

    /// <summary>Featurizes a batch of texts.</summary>
    /// <param name="values">The texts; null entries are not allowed, empty ones give the zero vector.</param>
    /// <param name="options">Optional; if <see cref="EmbeddingGenerationOptions.Dimensions"/> is set it must equal
    /// <see cref="Dimensions"/>. Other settings are ignored.</param>
    /// <param name="cancellationToken">Cancels the work between texts.</param>
    /// <returns>One embedding per text, in order, with <see cref="Embedding.ModelId"/> set to <see cref="ModelId"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="values"/> or an entry is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="options"/> asks for a different dimension.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    /// <remarks>CPU-bound: runs synchronously (in parallel on the thread pool for large batches) and returns a completed task.</remarks>
    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (options?.Dimensions is { } requested && requested != Dimensions)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"This featurizer produces {Dimensions} dimensions but {requested} were requested: fit it with HashingFeaturizerOptions.Dimensions = {requested}."), nameof(options));
        }

        cancellationToken.ThrowIfCancellationRequested();
        var texts = values as IReadOnlyList<string> ?? values.ToList();
        for (var i = 0; i < texts.Count; i++)
        {
            if (texts[i] is null)
            {
                throw new ArgumentNullException(nameof(values), string.Create(CultureInfo.InvariantCulture, $"Text {i} is null."));
            }
        }

        var vectors = new float[texts.Count][];
        if (texts.Count >= ParallelThreshold)
        {
            Parallel.For(0, texts.Count, new ParallelOptions { CancellationToken = cancellationToken }, i => vectors[i] = Transform(texts[i]));
        }
        else
        {
            for (var i = 0; i < texts.Count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                vectors[i] = Transform(texts[i]);
            }
        }

        var result = new GeneratedEmbeddings<Embedding<float>>(texts.Count);
        foreach (var v in vectors)
        {
            result.Add(new Embedding<float>(v) { ModelId = ModelId });
        }

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

    /// <summary>Does nothing: the featurizer holds no unmanaged resources.</summary>
    public void Dispose()
    {
    }

    /// <summary>Counts the hashed n-grams of <paramref name="text"/> into <paramref name="scratch"/>; the caller resets the touched counts.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void CountBuckets(string text, Scratch scratch)
    {
        scratch.TouchedCount = 0;
        if (text.Length == 0)
        {
            return;
        }

        var normalized = text.IsNormalized(NormalizationForm.FormKC) ? text : text.Normalize(NormalizationForm.FormKC);
        var buffer = ArrayPool<char>.Shared.Rent(normalized.Length * 2 + 2);
        var tokenStarts = ArrayPool<int>.Shared.Rent(normalized.Length + 1);
        var tokenHashes = ArrayPool<ulong>.Shared.Rent(normalized.Length + 1);
        try
        {
            // Build " tok tok tok " with single spaces, so every token is padded by a space on both sides.
            var length = 0;
            var tokens = 0;
            buffer[length++] = ' ';
            var inWord = false;
            for (var i = 0; i < normalized.Length; i++)
            {
                var c = normalized[i];
                if (char.IsWhiteSpace(c))
                {
                    if (inWord)
                    {
                        buffer[length++] = ' ';
                        inWord = false;
                    }

                    continue;
                }

                if (IsWordChar(c))
                {
                    if (!inWord)
                    {
                        tokenStarts[tokens++] = length;
                        inWord = true;
                    }

                    buffer[length++] = char.ToLowerInvariant(c);
                }
                else
                {
                    // Punctuation and symbols: one token each.
                    if (inWord)
                    {
                        buffer[length++] = ' ';
                        inWord = false;
                    }

                    tokenStarts[tokens++] = length;
                    buffer[length++] = c;
                    buffer[length++] = ' ';
                }
            }

            if (inWord)
            {
                buffer[length++] = ' ';
            }

            var span = buffer.AsSpan(0, length);
            for (var t = 0; t < tokens; t++)
            {
                var start = tokenStarts[t];
                var end = span[start..].IndexOf(' ') + start;
                var token = span[start..end];
                tokenHashes[t] = Fnv(token);
                if (_maxCharNGram > 0)
                {
                    var padded = span[(start - 1)..(end + 1)];
                    for (var n = _minCharNGram; n <= _maxCharNGram && n <= padded.Length; n++)
                    {
                        for (var i = 0; i + n <= padded.Length; i++)
                        {
                            if (n == 1 && padded[i] == ' ')
                            {
                                continue;
                            }

                            Add(scratch, Mix(Fnv(padded.Slice(i, n)) ^ _seed ^ CharNamespace));
                        }
                    }
                }
            }

            for (var n = 1; n <= _maxWordNGram; n++)
            {
                for (var t = 0; t + n <= tokens; t++)
                {
                    var h = (ulong)n * WordNamespace ^ _seed;
                    for (var k = 0; k < n; k++)
                    {
                        h = Mix(h ^ tokenHashes[t + k]);
                    }

                    Add(scratch, h);
                }
            }
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
            ArrayPool<int>.Shared.Return(tokenStarts);
            ArrayPool<ulong>.Shared.Return(tokenHashes);
        }
    }

    internal static Scratch GetScratch(int buckets)
    {
        var s = t_scratch;
        if (s is null || s.Counts.Length < buckets)
        {
            s = new Scratch(buckets);
            t_scratch = s;
        }

        return s;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Add(Scratch scratch, ulong hash)
    {
        var b = (int)(hash >> (64 - _hashBits));
        if (scratch.Counts[b] == 0)
        {
            scratch.AddTouched(b);
        }

        scratch.Counts[b] += 1;
    }

    private static bool IsWordChar(char c)
    {
        if (c < 128)
        {
            return char.IsAsciiLetterOrDigit(c);
        }

        if (char.IsSurrogate(c))
        {
            return true;
        }

        var category = CharUnicodeInfo.GetUnicodeCategory(c);
        return category is UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
            or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter or UnicodeCategory.DecimalDigitNumber
            or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber or UnicodeCategory.NonSpacingMark
            or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark or UnicodeCategory.ConnectorPunctuation;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void AddProjection(int bucket, float weight, Span<float> destination)
    {
        var full = destination.Length / 8;
        var vectors = MemoryMarshal.Cast<float, Vector256<float>>(destination[..(full * 8)]);
        var w = Vector256.Create(weight);
        var state = (ulong)bucket ^ _seed ^ ProjectionNamespace;
        ulong bits = 0;
        for (var j = 0; j < full; j++)
        {
            if ((j & 7) == 0)
            {
                state += 0x9E3779B97F4A7C15UL;
                bits = Mix(state);
            }

            vectors[j] += w * SignTable[(int)(bits & 0xFF)];
            bits >>= 8;
        }

        var tail = destination.Length - full * 8;
        if (tail > 0)
        {
            state += 0x9E3779B97F4A7C15UL;
            bits = Mix(state);
            for (var i = 0; i < tail; i++)
            {
                destination[full * 8 + i] += ((bits >> i) & 1) == 0 ? weight : -weight;
            }
        }
    }

    private static void Normalize(Span<float> v)
    {
        var sum = 0.0;
        foreach (var x in v)
        {
            sum += (double)x * x;
        }

        if (sum > 0)
        {
            var scale = (float)(1.0 / Math.Sqrt(sum));
            for (var i = 0; i < v.Length; i++)
            {
                v[i] *= scale;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Fnv(ReadOnlySpan<char> s)
    {
        var h = 0xCBF29CE484222325UL;
        foreach (var c in s)
        {
            h = (h ^ c) * 0x100000001B3UL;
        }

        return h;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Mix(ulong z)
    {
        // SplitMix64 finaliser.
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static Vector256<float>[] BuildSignTable()
    {
        var table = new Vector256<float>[256];
        Span<float> lanes = stackalloc float[8];
        for (var b = 0; b < 256; b++)
        {
            for (var i = 0; i < 8; i++)
            {
                lanes[i] = ((b >> i) & 1) == 0 ? 1f : -1f;
            }

            table[b] = Vector256.Create<float>(lanes);
        }

        return table;
    }

    private static string Fingerprint(float[] idf, int documentCount)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(MemoryMarshal.AsBytes(idf.AsSpan()));
        Span<byte> count = stackalloc byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(count, documentCount);
        sha.AppendData(count);
        return Convert.ToHexStringLower(sha.GetHashAndReset().AsSpan(0, 6));
    }

    /// <summary>Per-thread working memory: a dense count array over all buckets and the list of buckets touched.</summary>
    internal sealed class Scratch(int buckets)
    {
        public float[] Counts { get; } = new float[buckets];

        public int[] Touched { get; private set; } = new int[1024];

        public int TouchedCount { get; set; }

        public void AddTouched(int bucket)
        {
            if (TouchedCount == Touched.Length)
            {
                var bigger = new int[Touched.Length * 2];
                Touched.CopyTo(bigger, 0);
                Touched = bigger;
            }

            Touched[TouchedCount++] = bucket;
        }
    }
}
