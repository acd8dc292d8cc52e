using System.Text;
using Microsoft.Extensions.Time.Testing;

namespace UuLearning.Tests;

[Trait("Category", "TimeSensitive")]
public sealed class JsonlAnnotationStoreTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("uulearning-store-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string NewPath() => Path.Combine(_directory, Guid.NewGuid().ToString("N") + ".jsonl");

    [Fact]
    public async Task LoadAsync_AfterAppends_ReturnsAnnotationsOfThatKeySpaceOnly()
    {
        string path = NewPath();
        using (var store = new JsonlAnnotationStore(path))
        {
            await store.AppendAsync("k1", new PseudoLabelResult("a", PseudoLabel.Positive) { Confidence = 0.25, RawAnswer = "yes \"quoted\"\nline" });
            await store.AppendAsync("k1", new PseudoLabelResult("b", PseudoLabel.Abstained) { Outcome = LabelingOutcome.Refused, RawAnswer = "I'm sorry" });
            await store.AppendAsync("k2", new PseudoLabelResult("a", PseudoLabel.Negative));
        }

        using var reopened = new JsonlAnnotationStore(path);
        var k1 = await reopened.LoadAsync("k1");
        var k2 = await reopened.LoadAsync("k2");

        Assert.Equal(2, k1.Count);
        Assert.Equal(new PseudoLabelResult("a", PseudoLabel.Positive) { Confidence = 0.25, RawAnswer = "yes \"quoted\"\nline" }, k1["a"]);
        Assert.Equal(LabelingOutcome.Refused, k1["b"].Outcome);
        Assert.Equal(PseudoLabel.Negative, Assert.Single(k2).Value.Label);
        Assert.Empty(await reopened.LoadAsync("k3"));
        Assert.Equal(3, File.ReadAllLines(path).Length);
    }

    [Fact]
    public async Task AppendAsync_TokensAndClock_StoredAndReadBack()
    {
        string path = NewPath();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 2, 4, 0, 0, TimeSpan.Zero));
        var answer = new PseudoLabelResult("a", PseudoLabel.Positive) { InputTokens = 52, OutputTokens = 9 };
        using (var store = new JsonlAnnotationStore(path, timeProvider: time))
        {
            await store.AppendAsync("k", answer);
        }

        using var reopened = new JsonlAnnotationStore(path);
        Assert.Equal(answer, (await reopened.LoadAsync("k"))["a"]);
        Assert.Contains("\"inputTokens\":52,\"outputTokens\":9,\"at\":\"2026-12-02T04:00:00+00:00\"", File.ReadAllText(path), StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadAsync_NoFile_ReturnsEmpty()
    {
        using var store = new JsonlAnnotationStore(NewPath());

        Assert.Empty(await store.LoadAsync("k"));
    }

    [Fact]
    public async Task AppendAsync_AfterTornLastLine_CutsItAndKeepsEveryCompleteLine()
    {
        string path = NewPath();
        using (var store = new JsonlAnnotationStore(path))
        {
            await store.AppendAsync("k", new PseudoLabelResult("a", PseudoLabel.Positive));
            await store.AppendAsync("k", new PseudoLabelResult("b", PseudoLabel.Negative));
        }
        File.AppendAllText(path, "{\"key\":\"k\",\"id\":\"c\",\"lab", Encoding.UTF8);

        using (var store = new JsonlAnnotationStore(path))
        {
            var loaded = await store.LoadAsync("k");
            Assert.Equal(["a", "b"], loaded.Keys.Order());

            await store.AppendAsync("k", new PseudoLabelResult("c", PseudoLabel.Positive));
        }

        using var reopened = new JsonlAnnotationStore(path);
        var all = await reopened.LoadAsync("k");
        Assert.Equal(["a", "b", "c"], all.Keys.Order());
        Assert.Equal(3, File.ReadAllLines(path).Length);
    }

    [Fact]
    public async Task LoadAsync_DamagedMiddleLine_ThrowsInvalidDataExceptionNamingTheLine()
    {
        string path = NewPath();
        File.WriteAllText(path, "{\"key\":\"k\",\"id\":\"a\",\"label\":1}\nnot json\n{\"key\":\"k\",\"id\":\"b\",\"label\":-1}\n");
        using var store = new JsonlAnnotationStore(path);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => store.LoadAsync("k"));

        Assert.Contains("Line 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadAsync_SameIdTwice_LastOneWins()
    {
        string path = NewPath();
        File.WriteAllText(path, "{\"key\":\"k\",\"id\":\"a\",\"label\":1}\n{\"key\":\"k\",\"id\":\"a\",\"label\":-1}\n");
        using var store = new JsonlAnnotationStore(path);

        Assert.Equal(PseudoLabel.Negative, (await store.LoadAsync("k"))["a"].Label);
    }

    [Fact]
    public async Task AppendAsync_ManyConcurrentWriters_EveryLineIntact()
    {
        string path = NewPath();
        using (var store = new JsonlAnnotationStore(path, flushToDisk: true))
        {
            await Parallel.ForAsync(0, 200, async (i, token) =>
                await store.AppendAsync("k", new PseudoLabelResult($"id{i}", (PseudoLabel)(i % 3 - 1)) { RawAnswer = new string('x', i) }, token));
        }

        using var reopened = new JsonlAnnotationStore(path);
        var loaded = await reopened.LoadAsync("k");
        Assert.Equal(200, loaded.Count);
        Assert.All(Enumerable.Range(0, 200), i => Assert.Equal((PseudoLabel)(i % 3 - 1), loaded[$"id{i}"].Label));
    }

    [Fact]
    public async Task AppendAsync_AfterDispose_ThrowsObjectDisposedException()
    {
        var store = new JsonlAnnotationStore(NewPath());
        store.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => store.AppendAsync("k", new PseudoLabelResult("a", PseudoLabel.Positive)));
    }
}
