namespace UuLearning.Tests;

public class TextFeaturesTests
{
    private static List<string> Texts(int n) => Enumerable.Range(0, n).Select(i => $"text number {i}").ToList();

    [Theory]
    [InlineData(1, 64, new[] { 1 })]
    [InlineData(63, 64, new[] { 63 })]
    [InlineData(64, 64, new[] { 64 })]
    [InlineData(65, 64, new[] { 64, 1 })]
    [InlineData(128, 64, new[] { 64, 64 })]
    [InlineData(10, 3, new[] { 3, 3, 3, 1 })]
    [InlineData(5, 1, new[] { 1, 1, 1, 1, 1 })]
    public async Task EmbedAsync_BatchBoundaries_SplitsIntoExpectedBatches(int count, int batchSize, int[] expectedBatches)
    {
        var generator = new TestEmbeddingGenerator();
        var texts = Texts(count);

        var rows = await TextFeatures.EmbedAsync(generator, texts, new TextFeatureOptions { BatchSize = batchSize });

        Assert.Equal(expectedBatches, generator.Calls.Select(c => c.Count));
        Assert.Equal(texts, generator.Calls.SelectMany(c => c));
        Assert.Equal(count, rows.Count);
        for (var i = 0; i < count; i++)
        {
            var expected = TestEmbeddingGenerator.DefaultVectors([texts[i]], 4)[0];
            Assert.Equal(expected, rows[i].ToArray());
        }
    }

    [Fact]
    public async Task EmbedAsync_EmptyAndWhitespaceTexts_NotSentAndZeroVectors()
    {
        var generator = new TestEmbeddingGenerator();
        string[] texts = ["a", "", "  \t\n", "b"];

        var rows = await TextFeatures.EmbedAsync(generator, texts);

        Assert.Equal(["a", "b"], generator.Calls.SelectMany(c => c));
        Assert.Equal(new float[4], rows[1].ToArray());
        Assert.Equal(new float[4], rows[2].ToArray());
        Assert.NotEqual(new float[4], rows[3].ToArray());
    }

    [Fact]
    public async Task EmbedAsync_DuplicateTexts_SentOnceAndRowsEqual()
    {
        var generator = new TestEmbeddingGenerator();

        var rows = await TextFeatures.EmbedAsync(generator, ["x", "y", "x", "x"]);

        Assert.Equal(["x", "y"], generator.Calls.SelectMany(c => c));
        Assert.Equal(rows[0].ToArray(), rows[2].ToArray());
        Assert.Equal(rows[0].ToArray(), rows[3].ToArray());
    }

    [Fact]
    public async Task EmbedAsync_AllEmptyWithoutDimensions_ThrowsInvalidOperation()
    {
        var generator = new TestEmbeddingGenerator();

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => TextFeatures.EmbedAsync(generator, ["", " "]));

        Assert.Contains("Dimensions", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EmbedAsync_AllEmptyWithDimensions_ZeroRows()
    {
        var rows = await TextFeatures.EmbedAsync(new TestEmbeddingGenerator(), ["", " "], new TextFeatureOptions { Dimensions = 3 });

        Assert.All(rows, r => Assert.Equal(new float[3], r.ToArray()));
    }

    [Fact]
    public async Task EmbedAsync_WrongLengthVector_ThrowsNamingItemIndex()
    {
        var generator = new TestEmbeddingGenerator
        {
            GenerateCallback = (texts, _, _) => texts.Select(t => new float[t == "bad" ? 3 : 4]).ToList(),
        };
        string[] texts = ["a", "b", "", "c", "d", "bad"];

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => TextFeatures.EmbedAsync(generator, texts, new TextFeatureOptions { BatchSize = 2 }));

        Assert.Contains("item 5 ", ex.Message, StringComparison.Ordinal);
        Assert.Contains("length 3", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EmbedAsync_VectorLengthDiffersFromMetadata_Throws()
    {
        var generator = new TestEmbeddingGenerator { Metadata = new("p", null, "m", 8) };

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => TextFeatures.EmbedAsync(generator, ["a"]));

        Assert.Contains("item 0 ", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public async Task EmbedAsync_NonFiniteVector_ThrowsNamingItemIndex(float bad)
    {
        var generator = new TestEmbeddingGenerator
        {
            GenerateCallback = (texts, _, _) => texts.Select(t => t == "c" ? new[] { 1f, bad } : new[] { 1f, 2f }).ToList(),
        };

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => TextFeatures.EmbedAsync(generator, ["a", "b", "c"]));

        Assert.Contains("item 2 ", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EmbedAsync_GeneratorReturnsTooFewVectors_Throws()
    {
        var generator = new TestEmbeddingGenerator { GenerateCallback = (texts, _, _) => [new float[4]] };

        await Assert.ThrowsAsync<InvalidOperationException>(() => TextFeatures.EmbedAsync(generator, ["a", "b"]));
    }

    [Fact]
    public async Task EmbedAsync_Progress_ReportsCumulativeCountsEndingAtTotal()
    {
        var reported = new List<int>();
        var progress = new SynchronousProgress(reported.Add);

        await TextFeatures.EmbedAsync(new TestEmbeddingGenerator(), ["a", "", "b", "c", "a"], new TextFeatureOptions { BatchSize = 2 }, progress);

        // Unique texts a, b | c; the blank item and the repeated "a" count when their text is done.
        Assert.Equal([1 + 2 + 1, 5], reported);
    }

    [Fact]
    public async Task EmbedAsync_CanceledBetweenBatches_ThrowsOperationCanceled()
    {
        using var cts = new CancellationTokenSource();
        var generator = new TestEmbeddingGenerator();
        generator.GenerateCallback = (texts, _, _) =>
        {
            cts.Cancel();
            return TestEmbeddingGenerator.DefaultVectors(texts, 4);
        };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => TextFeatures.EmbedAsync(generator, Texts(10), new TextFeatureOptions { BatchSize = 2 }, cancellationToken: cts.Token));
        Assert.Single(generator.Calls);
    }

    [Fact]
    public async Task EmbedAsync_NullText_ThrowsArgumentNull()
    {
        await Assert.ThrowsAsync<ArgumentNullException>(() => TextFeatures.EmbedAsync(new TestEmbeddingGenerator(), ["a", null!]));
    }


    [Fact]
    public void Concatenate_TwoRepresentations_EqualWeightUnitRows()
    {
        ReadOnlyMemory<float>[] a = [new[] { 3f, 4f }, new[] { 0f, 2f }];
        ReadOnlyMemory<float>[] b = [new[] { 1f, 0f, 0f }, new[] { 0f, 0f, 5f }];

        var rows = TextFeatures.Concatenate(a, b);

        var s = 1 / Math.Sqrt(2);
        Assert.Equal([0.6 * s, 0.8 * s, s, 0, 0], rows[0].ToArray().Select(x => (double)x), new ToleranceComparer(1e-6));
        Assert.Equal([0, s, 0, 0, s], rows[1].ToArray().Select(x => (double)x), new ToleranceComparer(1e-6));
    }

    [Fact]
    public void Concatenate_RowCountsDiffer_ThrowsArgument()
    {
        ReadOnlyMemory<float>[] a = [new[] { 1f }];
        ReadOnlyMemory<float>[] b = [new[] { 1f }, new[] { 2f }];

        var ex = Assert.Throws<ArgumentException>(() => TextFeatures.Concatenate(a, b));

        Assert.Contains("2 rows", ex.Message, StringComparison.Ordinal);
    }

    private sealed class SynchronousProgress(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(double obj) => 0;
    }
}
