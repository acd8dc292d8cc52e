using Microsoft.Extensions.AI;

namespace UuLearning.Tests;

public sealed class DiskCachingEmbeddingGeneratorTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "uu-cache-tests-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private static float[] Vector(string text) => [text.Length, text.Length > 0 ? text[0] : 0, 0.5f, -1.25f / (text.Length + 1)];

    private static TestEmbeddingGenerator Fake() => new() { GenerateCallback = (texts, _, _) => texts.Select(Vector).ToList() };

    private DiskCachingEmbeddingGenerator Cache(TestEmbeddingGenerator inner) => new(inner, _directory);

    [Fact]
    public async Task GenerateAsync_SecondRunOverSameCorpus_EmbedsNothing()
    {
        string[] corpus = ["alpha", "beta", "gamma"];
        var firstInner = Fake();
        using (var first = Cache(firstInner))
        {
            await first.GenerateAsync(corpus);
            Assert.Equal(3, first.Misses);
        }

        var secondInner = Fake();
        using var second = Cache(secondInner);
        var result = await second.GenerateAsync(corpus);

        Assert.Empty(secondInner.Calls);
        Assert.Equal(3, second.Hits);
        for (var i = 0; i < corpus.Length; i++)
        {
            Assert.Equal(Vector(corpus[i]), result[i].Vector.ToArray());
        }
    }

    [Fact]
    public async Task GenerateAsync_PartialOverlap_EmbedsOnlyNewTextsOnce()
    {
        var inner = Fake();
        using var cache = Cache(inner);
        await cache.GenerateAsync(["a", "b"]);

        var result = await cache.GenerateAsync(["b", "c", "a", "c"]);

        Assert.Equal(2, inner.Calls.Count);
        Assert.Equal(["c"], inner.Calls[1]);
        Assert.Equal(new[] { "b", "c", "a", "c" }.Select(Vector), result.Select(e => e.Vector.ToArray()));
        Assert.Equal(2, cache.Hits);
        Assert.Equal(3, cache.Misses);
    }

    [Fact]
    public async Task GenerateAsync_OtherModelOrDimension_Misses()
    {
        var inner = Fake();
        using var cache = Cache(inner);
        await cache.GenerateAsync(["a"]);

        await cache.GenerateAsync(["a"], new EmbeddingGenerationOptions { ModelId = "other-model" });
        await cache.GenerateAsync(["a"], new EmbeddingGenerationOptions { Dimensions = 4 });
        inner.Metadata = new EmbeddingGeneratorMetadata("other-provider", null, "test-model", null);
        await cache.GenerateAsync(["a"]);

        Assert.Equal(4, inner.Calls.Count);
    }

    [Fact]
    public async Task Open_TornLastRecord_KeepsEarlierEntriesAndAppendsAfterThem()
    {
        using (var cache = Cache(Fake()))
        {
            await cache.GenerateAsync(["one"]);
            await cache.GenerateAsync(["two"]);
        }

        // Simulate a crash in the middle of writing the second record.
        var file = Directory.GetFiles(_directory).Single();
        var length = new FileInfo(file).Length;
        using (var stream = new FileStream(file, FileMode.Open))
        {
            stream.SetLength(length - 5);
        }

        var inner = Fake();
        using (var cache = Cache(inner))
        {
            var result = await cache.GenerateAsync(["one", "two", "three"]);
            Assert.Equal(["two", "three"], inner.Calls.Single());
            Assert.Equal(Vector("one"), result[0].Vector.ToArray());
        }

        var third = Fake();
        using (var cache = Cache(third))
        {
            await cache.GenerateAsync(["one", "two", "three"]);
            Assert.Empty(third.Calls);
        }
    }

    [Fact]
    public async Task Open_CorruptRecord_IgnoredFromThereOn()
    {
        using (var cache = Cache(Fake()))
        {
            await cache.GenerateAsync(["one"]);
            await cache.GenerateAsync(["two"]);
        }

        var file = Directory.GetFiles(_directory).Single();
        var bytes = File.ReadAllBytes(file);
        bytes[^12] ^= 0xFF; // a float of the last record: its checksum no longer matches
        File.WriteAllBytes(file, bytes);

        var inner = Fake();
        using var reopened = Cache(inner);
        var result = await reopened.GenerateAsync(["one", "two"]);

        Assert.Equal(["two"], inner.Calls.Single());
        Assert.Equal(Vector("two"), result[1].Vector.ToArray());
    }

    [Fact]
    public async Task GenerateAsync_NaNVector_NotCached()
    {
        var inner = new TestEmbeddingGenerator { GenerateCallback = (texts, _, _) => texts.Select(_ => new[] { float.NaN }).ToList() };
        using var cache = Cache(inner);

        await cache.GenerateAsync(["a"]);
        await cache.GenerateAsync(["a"]);

        Assert.Equal(2, inner.Calls.Count);
    }

    [Fact]
    public async Task EmbedAsync_ThroughCache_SecondCallNoInnerCalls()
    {
        var inner = Fake();
        using var cache = Cache(inner);
        var texts = Enumerable.Range(0, 10).Select(i => $"t{i}").ToList();

        var first = await TextFeatures.EmbedAsync(cache, texts, new TextFeatureOptions { BatchSize = 3 });
        var callsAfterFirst = inner.Calls.Count;
        var second = await TextFeatures.EmbedAsync(cache, texts, new TextFeatureOptions { BatchSize = 3 });

        Assert.Equal(4, callsAfterFirst);
        Assert.Equal(4, inner.Calls.Count);
        Assert.Equal(first.Select(r => r.ToArray()), second.Select(r => r.ToArray()));
    }

    [Fact]
    public void Dispose_DisposesInnerGenerator()
    {
        var inner = Fake();

        Cache(inner).Dispose();

        Assert.True(inner.Disposed);
    }
}
