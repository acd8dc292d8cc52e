namespace UuLearning.Tests;

public sealed class DelegatingPseudoLabelerTests
{
    [Fact]
    public async Task LabelAsync_Default_PassesItemsAndTokenToInner()
    {
        using var cts = new CancellationTokenSource();
        var inner = new RecordingLabeler();
        using var decorator = new CountingLabeler(inner);
        var items = new[] { new LabelingItem("a", "x") };

        var results = await decorator.LabelAsync(items, cts.Token);

        Assert.Same(items, inner.LastItems);
        Assert.Equal(cts.Token, inner.LastToken);
        Assert.Equal(1, decorator.Calls);
        Assert.Equal(PseudoLabel.Positive, Assert.Single(results).Label);
    }

    [Fact]
    public void Dispose_DisposableInner_DisposesInner()
    {
        var inner = new RecordingLabeler();

        new CountingLabeler(inner).Dispose();

        Assert.True(inner.Disposed);
    }

    [Fact]
    public void Constructor_NullInner_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => new CountingLabeler(null!));
    }

    private sealed class CountingLabeler(IPseudoLabeler inner) : DelegatingPseudoLabeler(inner)
    {
        public int Calls { get; private set; }

        public override Task<IReadOnlyList<PseudoLabelResult>> LabelAsync(IReadOnlyList<LabelingItem> items, CancellationToken cancellationToken = default)
        {
            Calls++;
            return base.LabelAsync(items, cancellationToken);
        }
    }

    private sealed class RecordingLabeler : IPseudoLabeler, IDisposable
    {
        public IReadOnlyList<LabelingItem>? LastItems { get; private set; }

        public CancellationToken LastToken { get; private set; }

        public bool Disposed { get; private set; }

        public Task<IReadOnlyList<PseudoLabelResult>> LabelAsync(IReadOnlyList<LabelingItem> items, CancellationToken cancellationToken = default)
        {
            (LastItems, LastToken) = (items, cancellationToken);
            return Task.FromResult<IReadOnlyList<PseudoLabelResult>>(items.Select(i => new PseudoLabelResult(i.Id, PseudoLabel.Positive)).ToList());
        }

        public void Dispose() => Disposed = true;
    }
}
