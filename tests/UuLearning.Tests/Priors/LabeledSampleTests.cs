namespace UuLearning.Tests;

public class LabeledSampleTests
{
    private static bool[] Gold(int n, int positives) => Enumerable.Range(0, n).Select(i => i < positives).ToArray();

    [Fact]
    public void DrawUniform_SameSeed_SameDistinctSortedItemsWithTheirGold()
    {
        var gold = Gold(200, 60);
        var a = LabeledSample.DrawUniform(gold, 50, 7);
        var b = LabeledSample.DrawUniform(gold, 50, 7);
        var c = LabeledSample.DrawUniform(gold, 50, 8);

        Assert.Equal(50, a.Count);
        Assert.Equal(SampleDesign.UniformRandom, a.Design);
        Assert.Equal(a.Indices, b.Indices);
        Assert.NotEqual(a.Indices, c.Indices);
        Assert.Equal(a.Indices.OrderBy(i => i), a.Indices);
        Assert.Equal(50, a.Indices.Distinct().Count());
        Assert.Equal(a.Indices.Select(i => gold[i]), a.Labels);
    }

    [Fact]
    public void DrawUniform_ManySeeds_EveryItemEquallyLikely()
    {
        // 20 items, samples of 5, 4000 draws: each item is expected 1000 times (sd about 27).
        var counts = new int[20];
        var gold = Gold(20, 10);
        for (int seed = 0; seed < 4000; seed++)
        {
            foreach (int i in LabeledSample.DrawUniform(gold, 5, seed).Indices)
            {
                counts[i]++;
            }
        }
        Assert.All(counts, c => Assert.InRange(c, 900, 1100));
    }

    [Fact]
    public void DrawStratified_EvenSize_HalfFromEachClass()
    {
        var gold = Gold(300, 40);
        var sample = LabeledSample.DrawStratified(gold, 51, 3);

        Assert.Equal(SampleDesign.StratifiedByClass, sample.Design);
        Assert.Equal(25, sample.Labels.Count(l => l));
        Assert.Equal(26, sample.Labels.Count(l => !l));
        Assert.Equal(sample.Indices.Select(i => gold[i]), sample.Labels);
        Assert.Equal(51, sample.Indices.Distinct().Count());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(201)]
    public void DrawUniform_SizeOutOfRange_Throws(int size)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => LabeledSample.DrawUniform(Gold(200, 20), size, 1));
        Assert.Equal("size", ex.ParamName);
    }

    [Fact]
    public void DrawStratified_ClassTooSmall_ThrowsQuotingCounts()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => LabeledSample.DrawStratified(Gold(100, 10), 50, 1));
        Assert.Equal("size", ex.ParamName);
        Assert.Contains("has 10 and 90", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DrawStratified_SizeBelowTwo_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => LabeledSample.DrawStratified(Gold(100, 10), 1, 1));

    [Fact]
    public void Draw_NullGold_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => LabeledSample.DrawUniform(null!, 1, 1));
        Assert.Throws<ArgumentNullException>(() => LabeledSample.DrawStratified(null!, 2, 1));
    }
}
