namespace UuLearning.Tests;

public sealed class MajorityVotePseudoLabelerTests
{
    private const PseudoLabel P = PseudoLabel.Positive;
    private const PseudoLabel N = PseudoLabel.Negative;
    private const PseudoLabel A = PseudoLabel.Abstained;

    [Theory]
    [InlineData(new[] { P, P, N }, P)]
    [InlineData(new[] { N, A, A }, N)]
    [InlineData(new[] { P, N }, A)]
    [InlineData(new[] { P, N, A, A }, A)]
    [InlineData(new[] { A, A, A }, A)]
    [InlineData(new PseudoLabel[0], A)]
    [InlineData(new[] { N, N, P, A, P, N }, N)]
    public void Vote_Votes_MajorityIgnoringAbstentionsTieAbstains(PseudoLabel[] votes, PseudoLabel expected)
    {
        Assert.Equal(expected, MajorityVotePseudoLabeler.Vote(votes));
    }

    [Fact]
    public async Task LabelAsync_ThreeLabelers_CombinesPerItemWithConfidenceAndVotes()
    {
        var ids = new[] { "a", "b", "c", "d" };
        var voter = new MajorityVotePseudoLabeler(
        [
            PrecomputedPseudoLabeler.FromArrays(ids, [P, P, A, A]),
            PrecomputedPseudoLabeler.FromArrays(ids, [P, N, A, N]),
            PrecomputedPseudoLabeler.FromArrays(ids, [N, A, A, N]),
        ]);

        var results = await voter.LabelAsync(ids.Select(id => new LabelingItem(id, id)).ToList());

        Assert.Equal([P, A, A, N], results.Select(r => r.Label));
        Assert.Equal(2.0 / 3.0, results[0].Confidence!.Value, 12);
        Assert.Null(results[1].Confidence);
        Assert.Equal(1.0, results[3].Confidence);
        Assert.Equal("+1,+1,-1", results[0].RawAnswer);
        Assert.Equal("0,0,0", results[2].RawAnswer);
    }

    [Fact]
    public async Task LabelAsync_LabelerReturnsWrongCount_ThrowsInvalidOperation()
    {
        var voter = new MajorityVotePseudoLabeler([new FixedLabeler([])]);

        await Assert.ThrowsAsync<InvalidOperationException>(() => voter.LabelAsync([new LabelingItem("a", "x")]));
    }

    [Fact]
    public void Constructor_NoLabeler_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => new MajorityVotePseudoLabeler([]));
    }

    private sealed class FixedLabeler(IReadOnlyList<PseudoLabelResult> results) : IPseudoLabeler
    {
        public Task<IReadOnlyList<PseudoLabelResult>> LabelAsync(IReadOnlyList<LabelingItem> items, CancellationToken cancellationToken = default) =>
            Task.FromResult(results);
    }
}
