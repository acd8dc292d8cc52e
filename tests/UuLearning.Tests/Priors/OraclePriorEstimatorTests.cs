namespace UuLearning.Tests;

public class OraclePriorEstimatorTests
{
    [Fact]
    public void Estimate_RandomCorpora_EqualsTrueValuesExactly()
    {
        var random = new Random(3);
        var gold = new bool[1000];
        var pseudo = new PseudoLabel[1000];
        for (int run = 0; run < 20; run++)
        {
            PriorSimulation.Generate(random, 0.1 + 0.8 * random.NextDouble(), gold, pseudo);
            for (int i = 0; i < 30; i++)
            {
                pseudo[random.Next(1000)] = PseudoLabel.Abstained;
            }

            var estimate = new OraclePriorEstimator(gold).Estimate(pseudo, new LabeledSample([0], [gold[0]]));

            int pp = 0, pPos = 0, pn = 0, pnPos = 0;
            for (int i = 0; i < gold.Length; i++)
            {
                if (pseudo[i] == PseudoLabel.Positive) { pp++; pPos += gold[i] ? 1 : 0; }
                if (pseudo[i] == PseudoLabel.Negative) { pn++; pnPos += gold[i] ? 1 : 0; }
            }
            Assert.Equal((double)pPos / pp, estimate.Priors.ThetaP);
            Assert.Equal((double)pnPos / pn, estimate.Priors.ThetaN);
            Assert.Equal((double)(pPos + pnPos) / (pp + pn), estimate.Priors.Pi);
            double rho = (double)pp / (pp + pn);
            Assert.Equal(rho * estimate.Priors.ThetaP + (1 - rho) * estimate.Priors.ThetaN, estimate.Priors.Pi, 12);
            Assert.Equal(0.0, estimate.ThetaP.Width);
            Assert.Equal(0.0, estimate.Pi.Width);
            Assert.Equal(1.0, estimate.ThetaN.Level);
            Assert.Equal(pp + pn, estimate.Counts.SampleSize);
        }
    }

    [Fact]
    public void Constructor_NullGold_Throws() => Assert.Throws<ArgumentNullException>(() => new OraclePriorEstimator(null!));

    [Fact]
    public void Estimate_CorpusSizeDiffersFromGold_ThrowsQuotingBoth()
    {
        var ex = Assert.Throws<ArgumentException>(() => new OraclePriorEstimator([true, false, true])
            .Estimate(FewLabelPriorEstimatorTests.Corpus("+-"), new LabeledSample([0], [true])));
        Assert.Contains("2 pseudo-labels", ex.Message, StringComparison.Ordinal);
        Assert.Contains("3 gold labels", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Estimate_RandomPseudoLabels_RefusesWithMargin()
    {
        // thetaP = thetaN = 0.5: the pseudo-labels carry no information.
        var ex = Assert.Throws<InvalidOperationException>(() => new OraclePriorEstimator([true, false, true, false])
            .Estimate(FewLabelPriorEstimatorTests.Corpus("++--"), new LabeledSample([0], [true])));
        Assert.Contains("margin 0.0000", ex.Message, StringComparison.Ordinal);
    }
}
