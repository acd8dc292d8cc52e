namespace UuLearning.Tests.MultiClass;

public class MultiClassPriorEstimatorTests
{
    /// <summary>A corpus of 300 items, pseudo-labels 0/1/2 in blocks of 100; a sample of 30 items, 10 per set.</summary>
    private static (int[] Pseudo, MultiClassLabeledSample Sample) Corpus(int[][] goldPerSet)
    {
        var pseudo = Enumerable.Range(0, 300).Select(i => i / 100).ToArray();
        var indices = new List<int>();
        var labels = new List<int>();
        for (int set = 0; set < 3; set++)
        {
            for (int t = 0; t < goldPerSet[set].Length; t++)
            {
                indices.Add(set * 100 + t);
                labels.Add(goldPerSet[set][t]);
            }
        }
        return (pseudo, new MultiClassLabeledSample(indices, labels, 3));
    }

    [Fact]
    public void Estimate_MatchesDirichletPosteriorMean()
    {
        // Set 0: 8 gold 0, 2 gold 1; set 1: 1 gold 0, 9 gold 1; set 2: 2, 1, 7. Agreement 24 of 30.
        var (pseudo, sample) = Corpus(new[]
        {
            new[] { 0, 0, 0, 0, 0, 0, 0, 0, 1, 1 },
            new[] { 0, 1, 1, 1, 1, 1, 1, 1, 1, 1 },
            new[] { 0, 0, 1, 2, 2, 2, 2, 2, 2, 2 },
        });
        var estimate = new MultiClassPriorEstimator(new MultiClassPriorEstimatorOptions { DirichletStrength = 2 }).Estimate(pseudo, sample);
        double a = (24 + 0.5) / 31.0;
        double off = (1 - a) / 2;
        var theta = estimate.Priors.ThetaMatrix();
        Assert.Equal((8 + 2 * a) / 12, theta[0, 0], 12);
        Assert.Equal((2 + 2 * off) / 12, theta[0, 1], 12);
        Assert.Equal((0 + 2 * off) / 12, theta[0, 2], 12);
        Assert.Equal((7 + 2 * a) / 12, theta[2, 2], 12);
        // pi = rho^T Theta with rho = 1/3 each.
        for (int j = 0; j < 3; j++)
        {
            Assert.Equal((theta[0, j] + theta[1, j] + theta[2, j]) / 3, estimate.Priors.Pi[j], 12);
            Assert.True(estimate.PiIntervals[j].Contains(estimate.Priors.Pi[j]));
        }
        Assert.True(estimate.ThetaIntervals[0][0].Contains(theta[0, 0]));
        // Beta(8 + 2a, 2 + 2(1 - a)) with a = 24.5 / 31: a 95 % interval of about [0.55, 0.96].
        Assert.InRange(estimate.ThetaIntervals[0][0].Lower, 0.5, 0.6);
        Assert.InRange(estimate.ThetaIntervals[0][0].Upper, 0.93, 0.98);
        Assert.Equal(8, estimate.SampleCounts[0][0]);
        Assert.Equal(100, estimate.SetSizes[2]);
    }

    [Fact]
    public void Estimate_SetWithoutLabels_TakesPooledRow()
    {
        var (pseudo, sample) = Corpus(new[] { new[] { 0, 0, 0, 1 }, new[] { 1, 1, 1, 1 }, Array.Empty<int>() });
        var theta = new MultiClassPriorEstimator().Estimate(pseudo, sample).Priors.ThetaMatrix();
        double a = (7 + 0.5) / 9.0;
        Assert.Equal(a, theta[2, 2], 12);
        Assert.Equal((1 - a) / 2, theta[2, 0], 12);
    }

    [Fact]
    public void Estimate_TwoSetsAlike_ThrowsNamingThem()
    {
        // Sets 1 and 2 have the same gold mix: Theta's rows 1 and 2 nearly coincide.
        var (pseudo, sample) = Corpus(new[]
        {
            new[] { 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 },
            Enumerable.Repeat(new[] { 1, 2 }, 20).SelectMany(x => x).ToArray(),
            Enumerable.Repeat(new[] { 2, 1 }, 20).SelectMany(x => x).ToArray(),
        });
        var ex = Assert.Throws<InvalidOperationException>(() => new MultiClassPriorEstimator().Estimate(pseudo, sample));
        Assert.Contains("classes 1 and 2", ex.Message, StringComparison.Ordinal);
        Assert.Contains("nearly singular", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Estimate_NearSingularWithShrinkage_RaisesTheStrengthJustEnough()
    {
        // Sets 1 and 2 hold the same gold mix, so rows 1 and 2 differ only by the smoothing (condition number far above 20).
        var (pseudo, sample) = Corpus(new[]
        {
            new[] { 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 },
            Enumerable.Repeat(new[] { 1, 2 }, 20).SelectMany(x => x).ToArray(),
            Enumerable.Repeat(new[] { 2, 1 }, 20).SelectMany(x => x).ToArray(),
        });
        var estimator = new MultiClassPriorEstimator();
        Assert.Throws<InvalidOperationException>(() => estimator.Estimate(pseudo, sample));
        var shrunk = estimator.Estimate(pseudo, sample, shrinkNearSingular: true);
        Assert.InRange(shrunk.Priors.ConditionNumber, 19.0, 20.0);
        Assert.Contains("near singular", shrunk.Method, StringComparison.Ordinal);
        // The rows are pulled toward the pooled prior mean, so the diagonal of the alike rows grows.
        var plain = new MultiClassPriorEstimator(new MultiClassPriorEstimatorOptions { MaxConditionNumber = 1e6 }).Estimate(pseudo, sample).Priors.ThetaMatrix();
        var theta = shrunk.Priors.ThetaMatrix();
        Assert.True(theta[1, 1] > plain[1, 1] && theta[2, 2] > plain[2, 2]);
        // A Theta already within the bound is left as it is.
        var (pseudo2, sample2) = Corpus(new[] { new[] { 0, 0, 0, 1 }, new[] { 1, 1, 1, 0 }, new[] { 2, 2, 2, 2 } });
        Assert.Equal(estimator.Estimate(pseudo2, sample2).Priors.ThetaMatrix(), estimator.Estimate(pseudo2, sample2, shrinkNearSingular: true).Priors.ThetaMatrix());
    }

    [Fact]
    public void Estimate_EmptySet_Throws()
    {
        var pseudo = Enumerable.Range(0, 300).Select(i => i % 2).ToArray();
        var sample = new MultiClassLabeledSample(new[] { 0, 1, 2 }, new[] { 0, 1, 2 }, 3);
        Assert.Contains("class 2", Assert.Throws<InvalidOperationException>(() => new MultiClassPriorEstimator().Estimate(pseudo, sample)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Estimate_ChanceAgreement_Throws()
    {
        var (pseudo, sample) = Corpus(new[] { new[] { 1, 2, 1 }, new[] { 0, 2, 0 }, new[] { 0, 1, 1 } });
        Assert.Contains("no better than chance", Assert.Throws<InvalidOperationException>(() => new MultiClassPriorEstimator().Estimate(pseudo, sample)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_OutOfRange_NameTheProperty()
    {
        Assert.Equal("DirichletStrength", Assert.Throws<ArgumentOutOfRangeException>(() => new MultiClassPriorEstimator(new MultiClassPriorEstimatorOptions { DirichletStrength = 0 })).ParamName);
        Assert.Equal("MaxConditionNumber", Assert.Throws<ArgumentOutOfRangeException>(() => new MultiClassPriorEstimator(new MultiClassPriorEstimatorOptions { MaxConditionNumber = 1 })).ParamName);
        Assert.Equal("ConfidenceLevel", Assert.Throws<ArgumentOutOfRangeException>(() => new MultiClassPriorEstimator(new MultiClassPriorEstimatorOptions { ConfidenceLevel = 1 })).ParamName);
        Assert.Equal("Draws", Assert.Throws<ArgumentOutOfRangeException>(() => new MultiClassPriorEstimator(new MultiClassPriorEstimatorOptions { Draws = 10 })).ParamName);
    }

    [Fact]
    public void Estimate_PseudoLabelOutOfRange_Throws()
    {
        var sample = new MultiClassLabeledSample(new[] { 0 }, new[] { 0 }, 3);
        Assert.Equal("pseudoLabels", Assert.Throws<ArgumentOutOfRangeException>(() => new MultiClassPriorEstimator().Estimate(new[] { 0, 1, 3 }, sample)).ParamName);
    }
}
