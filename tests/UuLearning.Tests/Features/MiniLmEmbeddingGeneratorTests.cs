using UuLearning.Internal;

namespace UuLearning.Tests;

/// <summary>Loads the model once for all tests of the class (about a second), with the package's old path beside it.</summary>
public sealed class MiniLmFixture : IDisposable
{
    public MiniLmEmbeddingGenerator Generator { get; } = new(new MiniLmEmbeddingGeneratorOptions { IntraOpThreads = 1 });

    internal PackageMiniLmEmbedder Package { get; } = new(intraOpThreads: 1);

    public void Dispose()
    {
        Generator.Dispose();
        Package.Dispose();
    }
}

public class MiniLmEmbeddingGeneratorTests(MiniLmFixture fixture) : IClassFixture<MiniLmFixture>
{
    private static double Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var sum = 0.0;
        for (var i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }

    private static double Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b) => Dot(a, b) / Math.Sqrt(Dot(a, a) * Dot(b, b));

    [Fact]
    public async Task GenerateAsync_Sentences_UnitVectorsAndParaphrasesCloserThanUnrelated()
    {
        var e = await fixture.Generator.GenerateAsync(
        [
            "A man is playing a guitar.",
            "Someone is strumming a guitar.",
            "The stock market fell sharply today.",
            "How do I bake bread at home?",
            "What is a simple recipe for homemade bread?",
        ]);

        Assert.All(e, x => Assert.Equal(MiniLmEmbeddingGenerator.Dimensions, x.Vector.Length));
        Assert.All(e, x => Assert.Equal(1.0, Math.Sqrt(Dot(x.Vector.Span, x.Vector.Span)), 4));
        Assert.True(Dot(e[0].Vector.Span, e[1].Vector.Span) > Dot(e[0].Vector.Span, e[2].Vector.Span) + 0.3);
        Assert.True(Dot(e[3].Vector.Span, e[4].Vector.Span) > Dot(e[3].Vector.Span, e[2].Vector.Span) + 0.3);
        Assert.Equal(MiniLmEmbeddingGenerator.ModelId, e[0].ModelId);
    }

    [Fact]
    public async Task GenerateAsync_YoutubeComments_SameVectorsAsPackageWhereTokensAgree()
    {
        // 200 real comments: wherever the package's tokenizer gives the same ids, the rewrite (own session, token-count
        // batches, TensorPrimitives pooling) must give the package's vectors.
        var texts = CsvTexts.YoutubeSpam(200);
        var expected = fixture.Package.Embed(texts);

        var actual = await fixture.Generator.GenerateAsync(texts);

        var agreeing = 0;
        for (var i = 0; i < texts.Count; i++)
        {
            if (fixture.Package.Tokenize(texts[i]).SequenceEqual(fixture.Generator.Tokenize(texts[i]).Select(x => (long)x)))
            {
                agreeing++;
                Assert.True(Cosine(expected[i], actual[i].Vector.Span) >= 0.9999, $"text {i}: cosine {Cosine(expected[i], actual[i].Vector.Span)}");
            }
        }

        Assert.True(agreeing >= 150, $"only {agreeing} of 200 comments tokenized as the package does");
    }

    [Fact]
    public async Task GenerateAsync_TinyBatches_SameVectorsInInputOrderAsOneByOne()
    {
        string[] texts =
        [
            string.Join(' ', Enumerable.Repeat("The long sentence about the weather goes on.", 30)),
            "Short one.",
            "A middle-sized sentence about cooking pasta.",
            "",
            "Short two.",
        ];
        using var tiny = new MiniLmEmbeddingGenerator(new MiniLmEmbeddingGeneratorOptions { IntraOpThreads = 1, MaxBatchSize = 2, MaxBatchTokens = 512 });

        var together = await tiny.GenerateAsync(texts);

        for (var i = 0; i < texts.Length; i++)
        {
            var alone = (await fixture.Generator.GenerateAsync([texts[i]]))[0].Vector.ToArray();
            Assert.True(Cosine(alone, together[i].Vector.Span) >= 0.99999, $"text {i}");
        }
    }

    [Fact]
    public async Task GenerateAsync_EmptyList_NoEmbeddings()
    {
        var e = await fixture.Generator.GenerateAsync([]);

        Assert.Empty(e);
    }

    [Fact]
    public async Task GenerateAsync_EmptyText_PackagesVectorOfClsSep()
    {
        var e = await fixture.Generator.GenerateAsync([""]);

        Assert.Equal([101, 102], fixture.Generator.Tokenize(""));
        Assert.True(Cosine(fixture.Package.Embed([""])[0], e[0].Vector.Span) >= 0.9999);
    }

    [Fact]
    public async Task GenerateAsync_TextLongerThan512Pieces_TruncatedToFirst510PiecesAndSep()
    {
        var words = Enumerable.Range(0, 700).Select(i => i % 2 == 0 ? "weather" : "report").ToArray();
        var longText = string.Join(' ', words);
        var samePrefix = string.Join(' ', words.Take(510)) + " entirely different ending " + string.Join(' ', words.Take(100));

        var e = await fixture.Generator.GenerateAsync([longText, samePrefix]);

        var ids = fixture.Generator.Tokenize(longText);
        Assert.Equal(512, ids.Length);
        Assert.Equal(102, ids[^1]);
        Assert.Equal(fixture.Package.Tokenize(longText).Take(511), ids.Take(511).Select(x => (long)x));
        Assert.Equal(e[0].Vector.ToArray(), e[1].Vector.ToArray());
        // The package truncated to 512 without [SEP]; one position of 512 differs, so the vectors stay close.
        Assert.True(Cosine(fixture.Package.Embed([longText])[0], e[0].Vector.Span) >= 0.99);
    }

    [Fact]
    public async Task GenerateAsync_NewlineAndTab_ReadAsSpaces()
    {
        var e = await fixture.Generator.GenerateAsync(["check out\nmy channel\tplease", "check out my channel please"]);

        Assert.True(Cosine(e[0].Vector.Span, e[1].Vector.Span) >= 0.99999);
    }

    [Fact]
    public async Task GenerateAsync_AccentedText_SameVectorAsUnaccented()
    {
        var e = await fixture.Generator.GenerateAsync(["A naïve café owner in São Paulo", "A naive cafe owner in Sao Paulo"]);

        Assert.True(Cosine(e[0].Vector.Span, e[1].Vector.Span) >= 0.99999);
    }

    [Fact]
    public async Task GenerateAsync_CanceledToken_ThrowsOperationCanceled()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => fixture.Generator.GenerateAsync(["one", "two"], cancellationToken: cts.Token));
    }

    [Fact]
    public async Task GenerateAsync_NullText_ThrowsNamingValues()
    {
        var e = await Assert.ThrowsAsync<ArgumentNullException>(() => fixture.Generator.GenerateAsync(["one", null!]));

        Assert.Equal("values", e.ParamName);
    }

    [Fact]
    public async Task GenerateAsync_OtherDimensions_ThrowsNamingOptions()
    {
        var e = await Assert.ThrowsAsync<ArgumentException>(() => fixture.Generator.GenerateAsync(["one"], new() { Dimensions = 128 }));

        Assert.Equal("options", e.ParamName);
    }

    [Fact]
    public async Task GenerateAsync_AfterDispose_ThrowsObjectDisposed()
    {
        var generator = new MiniLmEmbeddingGenerator(new MiniLmEmbeddingGeneratorOptions { IntraOpThreads = 1 });
        generator.Dispose();
        generator.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => generator.GenerateAsync(["one"]));
    }

    [Fact]
    public void Constructor_CudaWithoutGpuRuntime_ThrowsInvalidOperationNamingThePackage()
    {
        // The tests reference the CPU build of ONNX Runtime, which has no CUDA execution provider.
        var e = Assert.Throws<InvalidOperationException>(() => new MiniLmEmbeddingGenerator(new MiniLmEmbeddingGeneratorOptions { ExecutionProvider = MiniLmExecutionProvider.Cuda }));

        Assert.Contains("Microsoft.ML.OnnxRuntime.Gpu", e.Message, StringComparison.Ordinal);
        Assert.Contains("MiniLmExecutionProvider.Cpu", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MeanPoolAndNormalize_ThreeTokensTwoPadded_MeanOfRealTokensScaledToUnitLength()
    {
        // Rows: (1,2,2,0,...), (3,2,0,...), (2,2,4,0,...), then two padding rows of 100s that must not count.
        // Mean of the three real rows: (2, 2, 2, 0, ...); unit length: each of the first three 1/sqrt(3).
        var hidden = new float[5 * MiniLmEmbeddingGenerator.Dimensions];
        hidden.AsSpan(3 * MiniLmEmbeddingGenerator.Dimensions).Fill(100f);
        float[][] rows = [[1, 2, 2], [3, 2, 0], [2, 2, 4]];
        for (var j = 0; j < 3; j++)
        {
            rows[j].CopyTo(hidden, j * MiniLmEmbeddingGenerator.Dimensions);
        }

        var vector = MiniLmEmbeddingGenerator.MeanPoolAndNormalize(hidden, 3);

        var third = (float)(1 / Math.Sqrt(3));
        Assert.Equal([third, third, third], vector.Take(3), new ToleranceComparer(1e-6f));
        Assert.All(vector.Skip(3), x => Assert.Equal(0f, x));
    }

    [Fact]
    public void GetService_Metadata_NamesModelAndDimensions()
    {
        var metadata = fixture.Generator.GetService(typeof(Microsoft.Extensions.AI.EmbeddingGeneratorMetadata)) as Microsoft.Extensions.AI.EmbeddingGeneratorMetadata;

        Assert.Equal(MiniLmEmbeddingGenerator.ModelId, metadata?.DefaultModelId);
        Assert.Equal(MiniLmEmbeddingGenerator.Dimensions, metadata?.DefaultModelDimensions);
    }

    private sealed class ToleranceComparer(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(float obj) => 0;
    }
}
