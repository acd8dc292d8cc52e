using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.AI;

namespace UuLearning;

/// <summary>
/// An embedding generator that remembers every vector on disk, so a second run over the same corpus embeds nothing
/// again. Entries are keyed by the inner generator's id (provider name and model id from its
/// <see cref="EmbeddingGeneratorMetadata"/>, or the id you pass), the requested dimension and a SHA-256 of the text.
/// </summary>
/// <remarks>
/// <para>Storage: one append-only file per generator id in the cache directory. Each record carries its length and a
/// checksum; on open, the file is read up to the first incomplete or corrupt record (a write torn by a crash or power
/// loss) and truncated there, so a crash mid-write loses at most the batch being written, never earlier entries. Each
/// batch of new vectors is flushed to disk before the call returns. Vectors containing NaN or infinity are passed
/// through but never cached.</para>
/// <para>Thread-safe: concurrent calls are allowed (lookups and appends are serialised; the inner generator is called
/// outside the lock). One process at a time may use a cache directory: a second process opening the same file fails
/// with an <see cref="IOException"/>. Disposing this generator closes the files and disposes the inner generator.</para>
/// </remarks>
public sealed class DiskCachingEmbeddingGenerator : DelegatingEmbeddingGenerator<string, Embedding<float>>
{
    private static readonly byte[] Magic = "UUEMB1\n"u8.ToArray();
    private const int HashBytes = 32;
    private const int ChecksumBytes = 8;
    private const int MaxDimensions = 1_000_000;

    private readonly string _directory;
    private readonly string? _generatorId;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, Store> _stores = new(StringComparer.Ordinal);
    private long _hits;
    private long _misses;
    private bool _disposed;

    /// <summary>Wraps <paramref name="innerGenerator"/> with an on-disk cache in <paramref name="directory"/>.</summary>
    /// <param name="innerGenerator">The generator to call for texts not yet cached; owned and disposed by this instance.</param>
    /// <param name="directory">The cache directory; created if missing.</param>
    /// <param name="generatorId">An id for the inner generator's model, or <see langword="null"/> to use
    /// <c>"{ProviderName}/{DefaultModelId}"</c> from its metadata. Pass one when the metadata does not identify the
    /// model (vectors of two models must never share an id).</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerGenerator"/> or <paramref name="directory"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="directory"/> or <paramref name="generatorId"/> is empty or whitespace.</exception>
    public DiskCachingEmbeddingGenerator(IEmbeddingGenerator<string, Embedding<float>> innerGenerator, string directory, string? generatorId = null)
        : base(innerGenerator)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        if (generatorId is not null)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(generatorId);
        }

        _directory = directory;
        _generatorId = generatorId;
    }

    /// <summary>The number of texts answered from the cache so far.</summary>
    public long Hits => Interlocked.Read(ref _hits);

    /// <summary>The number of texts sent to the inner generator so far.</summary>
    public long Misses => Interlocked.Read(ref _misses);

    /// <summary>Returns cached vectors and embeds (then caches) only the texts not seen before.</summary>
    /// <param name="values">The texts; null entries are not allowed.</param>
    /// <param name="options">Passed to the inner generator; its <see cref="EmbeddingGenerationOptions.ModelId"/> and
    /// <see cref="EmbeddingGenerationOptions.Dimensions"/> are part of the cache key.</param>
    /// <param name="cancellationToken">Passed to the inner generator.</param>
    /// <returns>One embedding per text, in order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="values"/> or an entry is null.</exception>
    /// <exception cref="InvalidOperationException">The inner generator returned the wrong number of embeddings.</exception>
    /// <exception cref="IOException">The cache file cannot be opened (for example another process uses it) or written.</exception>
    /// <exception cref="ObjectDisposedException">This generator was disposed.</exception>
    public override async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var texts = values as IReadOnlyList<string> ?? values.ToList();
        var keys = new TextKey[texts.Count];
        for (var i = 0; i < texts.Count; i++)
        {
            var text = texts[i] ?? throw new ArgumentNullException(nameof(values), string.Create(CultureInfo.InvariantCulture, $"Text {i} is null."));
            keys[i] = TextKey.Of(text);
        }

        var metadata = InnerGenerator.GetService<EmbeddingGeneratorMetadata>();
        var modelId = options?.ModelId ?? metadata?.DefaultModelId;
        var generatorId = _generatorId ?? $"{metadata?.ProviderName ?? InnerGenerator.GetType().FullName}/{modelId}";
        var dimensions = options?.Dimensions ?? metadata?.DefaultModelDimensions;
        var storeKey = string.Create(CultureInfo.InvariantCulture, $"{generatorId}|model={modelId}|dims={dimensions?.ToString(CultureInfo.InvariantCulture) ?? "default"}");

        var found = new float[]?[texts.Count];
        var missIndex = new Dictionary<TextKey, int>();
        var missTexts = new List<string>();
        Store store;
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            store = GetStore(storeKey);
            for (var i = 0; i < texts.Count; i++)
            {
                if (store.Vectors.TryGetValue(keys[i], out var v))
                {
                    found[i] = v;
                }
                else if (!missIndex.ContainsKey(keys[i]))
                {
                    missIndex.Add(keys[i], missTexts.Count);
                    missTexts.Add(texts[i]);
                }
            }
        }
        finally
        {
            _gate.Release();
        }

        var missVectors = new float[missTexts.Count][];
        if (missTexts.Count > 0)
        {
            var generated = await InnerGenerator.GenerateAsync(missTexts, options, cancellationToken).ConfigureAwait(false);
            if (generated is null || generated.Count != missTexts.Count)
            {
                throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                    $"The inner embedding generator returned {generated?.Count ?? 0} embeddings for {missTexts.Count} texts."));
            }

            for (var k = 0; k < missTexts.Count; k++)
            {
                missVectors[k] = generated[k].Vector.ToArray();
            }

            await _gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
            try
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                foreach (var (key, k) in missIndex)
                {
                    var v = missVectors[k];
                    if (v.Length > 0 && v.Length <= MaxDimensions && AllFinite(v) && !store.Vectors.ContainsKey(key))
                    {
                        store.Append(key, v);
                    }
                }

                store.Flush();
            }
            finally
            {
                _gate.Release();
            }
        }

        var result = new GeneratedEmbeddings<Embedding<float>>(texts.Count);
        long hits = 0;
        for (var i = 0; i < texts.Count; i++)
        {
            var v = found[i];
            if (v is null)
            {
                v = missVectors[missIndex[keys[i]]];
            }
            else
            {
                hits++;
            }

            result.Add(new Embedding<float>(v) { ModelId = modelId });
        }

        Interlocked.Add(ref _hits, hits);
        Interlocked.Add(ref _misses, missTexts.Count);
        return result;
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _gate.Wait();
            try
            {
                _disposed = true;
                foreach (var store in _stores.Values)
                {
                    store.Dispose();
                }

                _stores.Clear();
            }
            finally
            {
                _gate.Release();
            }

            _gate.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>The path of the cache file used for one store key (exposed for tests).</summary>
    internal static string FileName(string storeKey) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(storeKey)).AsSpan(0, 16)) + ".uuemb";

    private Store GetStore(string storeKey)
    {
        if (!_stores.TryGetValue(storeKey, out var store))
        {
            Directory.CreateDirectory(_directory);
            store = Store.Open(Path.Combine(_directory, FileName(storeKey)), storeKey);
            _stores.Add(storeKey, store);
        }

        return store;
    }

    private static bool AllFinite(float[] v)
    {
        foreach (var x in v)
        {
            if (!float.IsFinite(x))
            {
                return false;
            }
        }

        return true;
    }

    private readonly record struct TextKey(UInt128 High, UInt128 Low)
    {
        public static TextKey Of(string text)
        {
            Span<byte> hash = stackalloc byte[HashBytes];
            var bytes = Encoding.UTF8.GetBytes(text);
            SHA256.HashData(bytes, hash);
            return FromBytes(hash);
        }

        public static TextKey FromBytes(ReadOnlySpan<byte> hash) =>
            new(BinaryPrimitives.ReadUInt128LittleEndian(hash), BinaryPrimitives.ReadUInt128LittleEndian(hash[16..]));

        public void Write(Span<byte> destination)
        {
            BinaryPrimitives.WriteUInt128LittleEndian(destination, High);
            BinaryPrimitives.WriteUInt128LittleEndian(destination[16..], Low);
        }
    }

    /// <summary>One append-only file: header (magic, key length, UTF-8 key), then records
    /// [int32 dimension][32-byte text hash][dimension float32][8-byte SHA-256 prefix of the preceding record bytes].</summary>
    private sealed class Store : IDisposable
    {
        private readonly FileStream _stream;

        private Store(FileStream stream, Dictionary<TextKey, float[]> vectors)
        {
            _stream = stream;
            Vectors = vectors;
        }

        public Dictionary<TextKey, float[]> Vectors { get; }

        public static Store Open(string path, string storeKey)
        {
            var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, 1 << 16);
            try
            {
                var header = BuildHeader(storeKey);
                var vectors = new Dictionary<TextKey, float[]>();
                var content = new byte[stream.Length];
                stream.ReadExactly(content);
                long good;
                if (content.Length < header.Length || !content.AsSpan(0, header.Length).SequenceEqual(header))
                {
                    // New file, torn header, or a foreign file: start over.
                    stream.SetLength(0);
                    stream.Write(header);
                    good = header.Length;
                }
                else
                {
                    good = ReadRecords(content, header.Length, vectors);
                    if (good < content.Length)
                    {
                        stream.SetLength(good);
                    }
                }

                stream.Flush(flushToDisk: true);
                stream.Position = good;
                return new Store(stream, vectors);
            }
            catch
            {
                stream.Dispose();
                throw;
            }
        }

        public void Append(TextKey key, float[] vector)
        {
            var length = 4 + HashBytes + vector.Length * 4;
            var record = new byte[length + ChecksumBytes];
            BinaryPrimitives.WriteInt32LittleEndian(record, vector.Length);
            key.Write(record.AsSpan(4, HashBytes));
            MemoryMarshal.AsBytes(vector.AsSpan()).CopyTo(record.AsSpan(4 + HashBytes));
            if (!BitConverter.IsLittleEndian)
            {
                for (var j = 0; j < vector.Length; j++)
                {
                    BinaryPrimitives.WriteSingleLittleEndian(record.AsSpan(4 + HashBytes + j * 4), vector[j]);
                }
            }

            SHA256.HashData(record.AsSpan(0, length)).AsSpan(0, ChecksumBytes).CopyTo(record.AsSpan(length));
            _stream.Write(record);
            Vectors[key] = vector;
        }

        public void Flush() => _stream.Flush(flushToDisk: true);

        public void Dispose() => _stream.Dispose();

        private static long ReadRecords(byte[] content, int start, Dictionary<TextKey, float[]> vectors)
        {
            var position = start;
            Span<byte> checksum = stackalloc byte[HashBytes];
            while (content.Length - position >= 4 + HashBytes)
            {
                var dims = BinaryPrimitives.ReadInt32LittleEndian(content.AsSpan(position));
                if (dims <= 0 || dims > MaxDimensions)
                {
                    break;
                }

                var length = 4 + HashBytes + dims * 4;
                if (content.Length - position < length + ChecksumBytes)
                {
                    break;
                }

                SHA256.HashData(content.AsSpan(position, length), checksum);
                if (!checksum[..ChecksumBytes].SequenceEqual(content.AsSpan(position + length, ChecksumBytes)))
                {
                    break;
                }

                var key = TextKey.FromBytes(content.AsSpan(position + 4, HashBytes));
                var vector = new float[dims];
                for (var j = 0; j < dims; j++)
                {
                    vector[j] = BinaryPrimitives.ReadSingleLittleEndian(content.AsSpan(position + 4 + HashBytes + j * 4));
                }

                vectors[key] = vector;
                position += length + ChecksumBytes;
            }

            return position;
        }

        private static byte[] BuildHeader(string storeKey)
        {
            var key = Encoding.UTF8.GetBytes(storeKey);
            var header = new byte[Magic.Length + 4 + key.Length];
            Magic.CopyTo(header, 0);
            BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(Magic.Length), key.Length);
            key.CopyTo(header, Magic.Length + 4);
            return header;
        }
    }
}
