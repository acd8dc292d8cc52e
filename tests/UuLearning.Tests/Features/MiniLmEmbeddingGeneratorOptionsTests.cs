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

        Assert.Equal((0, MiniLmExecutionProvider.Cpu, 0, 32, 8192, 512),
            (options.IntraOpThreads, options.ExecutionProvider, options.CudaDeviceId, options.MaxBatchSize, options.MaxBatchTokens, options.MaxTokensPerText));
    }
}
