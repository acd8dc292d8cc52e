namespace UuLearning.Tests;

public class MiniLmEmbeddingGeneratorOptionsTests
{
    [Theory]
    [InlineData(nameof(MiniLmEmbeddingGeneratorOptions.IntraOpThreads), -1)]
    [InlineData(nameof(MiniLmEmbeddingGeneratorOptions.IntraOpThreads), 1025)]
    [InlineData(nameof(MiniLmEmbeddingGeneratorOptions.CudaDeviceId), -1)]
    [InlineData(nameof(MiniLmEmbeddingGeneratorOptions.MaxBatchSize), 0)]
    [InlineData(nameof(MiniLmEmbeddingGeneratorOptions.MaxBatchSize), 4097)]
    [InlineData(nameof(MiniLmEmbeddingGeneratorOptions.MaxTokensPerText), 1)]
    [InlineData(nameof(MiniLmEmbeddingGeneratorOptions.MaxTokensPerText), 513)]
    [InlineData(nameof(MiniLmEmbeddingGeneratorOptions.MaxBatchTokens), 511)]
    [InlineData(nameof(MiniLmEmbeddingGeneratorOptions.MaxBatchTokens), (1 << 20) + 1)]
    [InlineData(nameof(MiniLmEmbeddingGeneratorOptions.ExecutionProvider), 7)]
    public void Constructor_SettingOutOfRange_ThrowsNamingTheProperty(string property, int value)
    {
        var options = new MiniLmEmbeddingGeneratorOptions();
        typeof(MiniLmEmbeddingGeneratorOptions).GetProperty(property)!.SetValue(options,
            property == nameof(MiniLmEmbeddingGeneratorOptions.ExecutionProvider) ? (MiniLmExecutionProvider)value : value);

        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new MiniLmEmbeddingGenerator(options));

        Assert.Equal(property, e.ParamName);
        Assert.Contains($"MiniLmEmbeddingGeneratorOptions.{property} must be", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_BatchTokensBelowShorterTextLimit_Accepted()
    {
        // The token budget only has to hold one text of MaxTokensPerText pieces.
        using var generator = new MiniLmEmbeddingGenerator(new MiniLmEmbeddingGeneratorOptions { IntraOpThreads = 1, MaxTokensPerText = 128, MaxBatchTokens = 128 });

        Assert.Equal(128, generator.Tokenize(string.Join(' ', Enumerable.Repeat("word", 300))).Length);
    }

    [Fact]
    public void Constructor_NullOptions_Throws()
    {
        var e = Assert.Throws<ArgumentNullException>(() => new MiniLmEmbeddingGenerator(null!));

        Assert.Equal("options", e.ParamName);
    }

    [Fact]
    public void Defaults_AreDocumentedValues()
    {
        var options = new MiniLmEmbeddingGeneratorOptions();

        Assert.Equal((0, false, MiniLmExecutionProvider.Cpu, 0, 32, 8192, 512),
            (options.IntraOpThreads, options.AllowSpinning, options.ExecutionProvider, options.CudaDeviceId, options.MaxBatchSize, options.MaxBatchTokens, options.MaxTokensPerText));
    }

    [Theory]
    [InlineData(0, 2, 2)]
    [InlineData(0, 8, 8)]
    [InlineData(0, 1, 1)]
    [InlineData(3, 2, 3)]
    [InlineData(1, 8, 1)]
    public void IntraOpThreads_ZeroMeansTheProcessors_OtherwiseAsGiven(int requested, int processors, int expected)
    {
        Assert.Equal(expected, MiniLmEmbeddingGenerator.ResolveIntraOpThreads(requested, processors));
    }

    [Fact]
    public void SessionOptions_Default_ExplicitThreadCountAndNoSpinning()
    {
        // An explicit count (never ONNX Runtime's 0, which pins one thread per physical core) and spinning off.
        using var session = MiniLmEmbeddingGenerator.CreateSessionOptions(new MiniLmEmbeddingGeneratorOptions());

        Assert.Equal(Environment.ProcessorCount, session.IntraOpNumThreads);
        // ONNX Runtime's C# API cannot read config entries back: check the entries the generator adds.
        Assert.Contains(new KeyValuePair<string, string>("session.intra_op.allow_spinning", "0"),
            MiniLmEmbeddingGenerator.SessionConfigEntries(new MiniLmEmbeddingGeneratorOptions()));
        Assert.Equal(Microsoft.ML.OnnxRuntime.GraphOptimizationLevel.ORT_ENABLE_ALL, session.GraphOptimizationLevel);
        Assert.Equal(Microsoft.ML.OnnxRuntime.ExecutionMode.ORT_SEQUENTIAL, session.ExecutionMode);
    }

    [Fact]
    public void SessionOptions_ThreadsAndSpinningGiven_AreCarried()
    {
        using var session = MiniLmEmbeddingGenerator.CreateSessionOptions(new MiniLmEmbeddingGeneratorOptions { IntraOpThreads = 5, AllowSpinning = true });

        Assert.Equal(5, session.IntraOpNumThreads);
        Assert.Contains(new KeyValuePair<string, string>("session.intra_op.allow_spinning", "1"),
            MiniLmEmbeddingGenerator.SessionConfigEntries(new MiniLmEmbeddingGeneratorOptions { IntraOpThreads = 5, AllowSpinning = true }));
    }
}
