using UuLearning.Internal;

namespace UuLearning.Tests;

public class TokenBatchesTests
{
    [Fact]
    public void Plan_NoTexts_NoBatches()
    {
        var batches = TokenBatches.Plan([], 32, 8192, out var order);

        Assert.Empty(batches);
        Assert.Empty(order);
    }

    [Fact]
    public void Plan_MixedLengths_SortedByLengthTiesInInputOrder()
    {
        TokenBatches.Plan([5, 3, 9, 3, 2], 32, 8192, out var order);

        Assert.Equal([4, 1, 3, 0, 2], order);
    }

    [Fact]
    public void Plan_ManyShortTexts_BatchesOfAtMostMaxTexts()
    {
        var batches = TokenBatches.Plan([.. Enumerable.Repeat(10, 70)], 32, 8192, out _);

        Assert.Equal([32, 32, 6], batches.Select(b => b.GetOffsetAndLength(70).Length));
    }

    [Fact]
    public void Plan_LongTexts_PaddedPositionsWithinBudget()
    {
        // Sorted: 100, 100, 300, 300, 512, 512. Budget 1000: [100, 100, 300] would pad to 900 (fits), adding the
        // second 300 would pad to 1200; [300, 512] would pad to 1024, so 300 goes alone... then 512 alone twice.
        int[] lengths = [512, 300, 100, 512, 300, 100];

        var batches = TokenBatches.Plan(lengths, 32, 1000, out var order);

        Assert.Equal([2, 5, 1, 4, 0, 3], order);
        Assert.Equal([(0, 3), (3, 1), (4, 1), (5, 1)], batches.Select(b => b.GetOffsetAndLength(6)));
    }

    [Fact]
    public void Plan_RandomLengths_EveryTextOnceAndEveryBatchWithinBothLimits()
    {
        var random = new Random(14);
        var lengths = Enumerable.Range(0, 500).Select(_ => random.Next(2, 513)).ToArray();

        var batches = TokenBatches.Plan(lengths, 16, 4096, out var order);

        Assert.Equal(Enumerable.Range(0, 500), order.Order());
        Assert.Equal(500, batches.Sum(b => b.GetOffsetAndLength(500).Length));
        foreach (var batch in batches)
        {
            var members = order[batch];
            Assert.InRange(members.Length, 1, 16);
            Assert.True(members.Length * members.Max(i => lengths[i]) <= 4096);
        }
    }

    [Fact]
    public void Plan_PaddingLimit_CutsBeforeATextThatWouldPadTheCallPastIt()
    {
        // Sorted: 10, 10, 10, 11 pad to 44 for 41 real pieces (7 % padding); adding 30 would pad to 150 for 71, so the
        // call stops there; 30 and 31 pad to 62 for 61. Without the limit all six fit one call (6 x 31 = 186).
        int[] lengths = [30, 10, 11, 10, 31, 10];

        var limited = TokenBatches.Plan(lengths, 32, 8192, out var order, maxPadding: 0.10);
        var unlimited = TokenBatches.Plan(lengths, 32, 8192, out _);

        Assert.Equal([1, 3, 5, 2, 0, 4], order);
        Assert.Equal([(0, 4), (4, 2)], limited.Select(b => b.GetOffsetAndLength(6)));
        Assert.Single(unlimited);
    }
}
