using MathNet.Numerics.Distributions;

namespace UuLearning.Tests;

public class FewLabelPriorEstimatorTests
{
    /// <summary>Pseudo-labels from a string: '+' positive, '-' negative, '0' abstained.</summary>
    internal static PseudoLabel[] Corpus(string labels) => labels.Select(c => c switch
    {
        '+' => PseudoLabel.Positive,
        '-' => PseudoLabel.Negative,
        _ => PseudoLabel.Abstained,
    }).ToArray();

    private static (double Lower, double Upper) Jeffreys(int k, int n) =>
        (k == 0 ? 0 : Beta.InvCDF(k + 0.5, n - k + 0.5, 0.025), k == n ? 1 : Beta.InvCDF(k + 0.5, n - k + 0.5, 0.975));

    [Fact]
    public void Constructor_NullOptions_Throws() =>
        Assert.Throws<ArgumentNullException>(() => new FewLabelPriorEstimator(null!));




    [Fact]
    public void Estimate_UniformSample_ReadsSharesPerPseudoLabelAndIgnoresAbstentions()
    {
        // 9 non-abstained items, 4 pseudo-positive: rho = 4/9. The sample item at index 9 is abstained and ignored.
        var corpus = Corpus("++++-----0");
        var sample = new LabeledSample([0, 1, 2, 4, 5, 6, 7, 9], [true, true, false, true, false, false, false, true]);

        var estimate = new FewLabelPriorEstimator().Estimate(corpus, sample);

        double rho = 4.0 / 9;
        Assert.Equal(2.0 / 3, estimate.Priors.ThetaP, 12);
        Assert.Equal(1.0 / 4, estimate.Priors.ThetaN, 12);
        Assert.Equal(47.0 / 108, estimate.Priors.Pi, 12);
        Assert.Equal(new PriorCounts(9, 4, 7, 3, 2, 1, 3), estimate.Counts);
        Assert.Equal(rho, estimate.Counts.Rho, 12);

        var (lp, up) = Jeffreys(2, 3);
        var (ln, un) = Jeffreys(1, 4);
        Assert.Equal(lp, estimate.ThetaP.Lower, 9);
        Assert.Equal(up, estimate.ThetaP.Upper, 9);
        Assert.Equal(ln, estimate.ThetaN.Lower, 9);
        Assert.Equal(un, estimate.ThetaN.Upper, 9);
        double piLower = 47.0 / 108 - Math.Sqrt(Math.Pow(rho * (2.0 / 3 - lp), 2) + Math.Pow((1 - rho) * (0.25 - ln), 2));
        double piUpper = 47.0 / 108 + Math.Sqrt(Math.Pow(rho * (up - 2.0 / 3), 2) + Math.Pow((1 - rho) * (un - 0.25), 2));
        Assert.Equal(Math.Max(0, piLower), estimate.Pi.Lower, 9);
        Assert.Equal(piUpper, estimate.Pi.Upper, 9);
        Assert.Equal(0.95, estimate.ThetaP.Level);
        Assert.Contains("uniform", estimate.Method, StringComparison.Ordinal);
    }

    [Fact]
    public void Estimate_ZeroCountInPseudoNegativeSet_UsesJeffreysMeanNotZero()
    {
        var corpus = Corpus("+++++-----");
        // Pseudo-negative items in the sample: 4, none gold positive; pseudo-positive: 3 of 4 gold positive.
        var sample = new LabeledSample([0, 1, 2, 3, 5, 6, 7, 8], [true, true, true, false, false, false, false, false]);

        var estimate = new FewLabelPriorEstimator().Estimate(corpus, sample);

        Assert.Equal(0.5 / 5, estimate.Priors.ThetaN, 12);
        Assert.Equal(0.75, estimate.Priors.ThetaP, 12);
        Assert.Equal(0.0, estimate.ThetaN.Lower);
        Assert.Equal(Beta.InvCDF(0.5, 4.5, 0.975), estimate.ThetaN.Upper, 9);
    }

    [Fact]
    public void Estimate_UniformSamples_PointEstimatesSatisfyTotalProbabilityIdentity()
    {
        var random = new Random(5);
        var gold = new bool[500];
        var pseudo = new PseudoLabel[500];
        var estimator = new FewLabelPriorEstimator();
        for (int run = 0; run < 200; run++)
        {
            PriorSimulation.Generate(random, 0.2 + 0.6 * random.NextDouble(), gold, pseudo);
            pseudo[random.Next(500)] = PseudoLabel.Abstained;
            var estimate = estimator.Estimate(pseudo, LabeledSample.DrawUniform(gold, 50, run));

            double rho = (double)pseudo.Count(p => p == PseudoLabel.Positive) / pseudo.Count(p => p != PseudoLabel.Abstained);
            var p = estimate.Priors;
            Assert.Equal(rho * p.ThetaP + (1 - rho) * p.ThetaN, p.Pi, 12);
            Assert.True(estimate.ThetaP.Contains(p.ThetaP) && estimate.ThetaN.Contains(p.ThetaN) && estimate.Pi.Contains(p.Pi));
        }
    }

    [Fact]
    public void Estimate_StratifiedSampleWithKnownPi_AppliesBayesWithRho()
    {
        // rho = 6/20. Sample: 5 gold positives (4 pseudo +1), 5 gold negatives (1 pseudo +1).
        var corpus = Corpus("++++++--------------");
        var sample = new LabeledSample([0, 1, 2, 3, 10, 4, 11, 12, 13, 14],
            [true, true, true, true, true, false, false, false, false, false], SampleDesign.StratifiedByClass);
        const double pi = 0.25;

        var estimate = new FewLabelPriorEstimator(new FewLabelPriorEstimatorOptions { KnownPi = pi }).Estimate(corpus, sample);

        double rho = 0.3, tpr = 0.8, fpr = 0.2;
        double v1 = pi * pi / 5, v0 = (1 - pi) * (1 - pi) / 5;
        double w = v0 / (v0 + v1);
        double q = w * pi * tpr + (1 - w) * (rho - (1 - pi) * fpr);
        Assert.Equal(q / rho, estimate.Priors.ThetaP, 12);
        Assert.Equal((pi - q) / (1 - rho), estimate.Priors.ThetaN, 12);
        Assert.Equal(pi, estimate.Priors.Pi, 12);
        Assert.Equal(0.0, estimate.Pi.Width);
        Assert.True(estimate.ThetaP.Contains(q / rho) && estimate.ThetaP.Width > 0);
        Assert.Contains("pi given", estimate.Method, StringComparison.Ordinal);
    }

    [Fact]
    public void Estimate_StratifiedSampleWithoutKnownPi_SolvesPiFromRhoAndIsReproducible()
    {
        // rho = 10/20; TPR = 4/5, FPR = 1/5, so pi = (0.5 - 0.2) / (0.8 - 0.2) = 0.5, thetaP = 0.8, thetaN = 0.2.
        var corpus = Corpus("++++++++++----------");
        var sample = new LabeledSample([0, 1, 2, 3, 10, 4, 11, 12, 13, 14],
            [true, true, true, true, true, false, false, false, false, false], SampleDesign.StratifiedByClass);
        var estimator = new FewLabelPriorEstimator();

        var first = estimator.Estimate(corpus, sample);
        var second = estimator.Estimate(corpus, sample);

        Assert.Equal(0.5, first.Priors.Pi, 12);
        Assert.Equal(0.8, first.Priors.ThetaP, 12);
        Assert.Equal(0.2, first.Priors.ThetaN, 12);
        Assert.Equal(first, second);
        Assert.True(first.Pi.Width > 0 && first.ThetaP.Width > 0 && first.ThetaN.Width > 0);
        Assert.Contains("pi solved", first.Method, StringComparison.Ordinal);
    }

    [Fact]
    public void Estimate_UniformSampleWithKnownPi_IgnoresKnownPi()
    {
        var corpus = Corpus("++++-----0");
        var sample = new LabeledSample([0, 1, 2, 4, 5, 6, 7], [true, true, false, true, false, false, false]);

        var estimate = new FewLabelPriorEstimator(new FewLabelPriorEstimatorOptions { KnownPi = 0.9 }).Estimate(corpus, sample);

        Assert.Equal(47.0 / 108, estimate.Priors.Pi, 12);
    }

    [Fact]
    public void Estimate_NullArguments_Throw()
    {
        var estimator = new FewLabelPriorEstimator();
        var sample = new LabeledSample([0, 1], [true, false]);
        Assert.Throws<ArgumentNullException>(() => estimator.Estimate(null!, sample));
        Assert.Throws<ArgumentNullException>(() => estimator.Estimate(Corpus("+-"), null!));
    }

    [Fact]
    public void Estimate_IndexOutsideCorpus_ThrowsArgumentOutOfRange()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() =>
            new FewLabelPriorEstimator().Estimate(Corpus("++--"), new LabeledSample([0, 4], [true, false])));
        Assert.Equal("sample", ex.ParamName);
        Assert.Contains("outside the corpus of 4 items", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LabeledSample_DuplicatedIndex_ThrowsArgumentException()
    {
        var ex = Assert.Throws<ArgumentException>(() => new LabeledSample([0, 2, 2], [true, false, true]));
        Assert.Contains("more than once", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(SampleDesign.UniformRandom)]
    [InlineData(SampleDesign.StratifiedByClass)]
    public void Estimate_SampleWithOneGoldClass_ThrowsSayingWhatToDo(SampleDesign design)
    {
        var ex = Assert.Throws<InvalidOperationException>(() => new FewLabelPriorEstimator().Estimate(
            Corpus("++--"), new LabeledSample([0, 1, 2, 3], [true, true, true, true], design)));
        Assert.Contains("one gold class", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Label more items", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("----0", "pseudo-positive (+1) set is empty")]
    [InlineData("+++0+", "pseudo-negative (-1) set is empty")]
    public void Estimate_EmptyPseudoLabeledSet_ThrowsSayingWhatToDo(string corpus, string expected)
    {
        var ex = Assert.Throws<InvalidOperationException>(() => new FewLabelPriorEstimator().Estimate(
            Corpus(corpus), new LabeledSample([0, 1], [true, false])));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.Contains("better initial labeler", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Estimate_NoPseudoPositiveItemInUniformSample_Throws()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => new FewLabelPriorEstimator().Estimate(
            Corpus("++----"), new LabeledSample([2, 3, 4], [true, false, false])));
        Assert.Contains("pseudo-labeled +1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Estimate_AllSampleItemsAbstained_Throws()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => new FewLabelPriorEstimator().Estimate(
            Corpus("+-00"), new LabeledSample([2, 3], [true, false])));
        Assert.Contains("abstained", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Estimate_IndistinguishableSets_ThrowsWithValuesIntervalsAndAdvice()
    {
        // thetaP = 5/10 and thetaN = 5/10 in a 20-item uniform sample.
        var corpus = Corpus(new string('+', 10) + new string('-', 10));
        var labels = Enumerable.Range(0, 20).Select(i => i % 2 == 0).ToArray();
        var sample = new LabeledSample(Enumerable.Range(0, 20).ToArray(), labels);

        var ex = Assert.Throws<InvalidOperationException>(() => new FewLabelPriorEstimator().Estimate(corpus, sample));

        var (lower, upper) = Jeffreys(5, 10);
        string interval = new ConfidenceInterval(lower, upper, 0.95).ToString();
        Assert.Contains("not distinguishable from 20 labels", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"thetaP = 0.50 {interval}", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"thetaN = 0.50 {interval}", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Label more items", ex.Message, StringComparison.Ordinal);
        Assert.Contains("better initial labeler", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Estimate_StratifiedSampleWithTprNotAboveFpr_ThrowsUninformative()
    {
        // TPR = 1/3 (pseudo +1 among gold positives), FPR = 2/3 (pseudo +1 among gold negatives).
        var corpus = Corpus("+++---");
        var sample = new LabeledSample([0, 3, 4, 1, 2, 5], [true, true, true, false, false, false], SampleDesign.StratifiedByClass);

        var ex = Assert.Throws<InvalidOperationException>(() => new FewLabelPriorEstimator().Estimate(corpus, sample));

        Assert.Contains("uninformative", ex.Message, StringComparison.Ordinal);
        Assert.Contains("polarity", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Estimate_StratifiedSampleWithRhoAboveTpr_RefusesRatherThanReturningDegeneratePriors()
    {
        // rho = 27/30 = 0.9, but TPR = 4/5 = 0.8 (gold positives 0-3 pseudo +1, 27 pseudo -1) and FPR = 2/4 = 0.5
        // (gold negatives 4, 5 pseudo +1; 28, 29 pseudo -1): pi = (0.9 - 0.5) / (0.8 - 0.5) would exceed 1.
        var corpus = Corpus(new string('+', 27) + "---");
        var sample = new LabeledSample([0, 1, 2, 3, 27, 4, 5, 28, 29],
            [true, true, true, true, true, false, false, false, false], SampleDesign.StratifiedByClass);
        var ex = Assert.Throws<InvalidOperationException>(() => new FewLabelPriorEstimator().Estimate(corpus, sample));
        Assert.Contains("rho = 0.900 is not between FPR = 0.50", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Set KnownPi", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Estimate_StratifiedSampleWithKnownPiBeyondFeasibleRange_KeepsSharesInsideZeroAndOne()
    {
        // rho = 0.5, pi = 0.4, every gold positive pseudo +1 and no gold negative pseudo +1: both estimates of
        // q = P(y = +1, pseudo = +1) say q = pi, i.e. thetaN = 0. The point must stay a half-count inside.
        var corpus = Corpus("++++++++++----------");
        var sample = new LabeledSample([0, 1, 2, 3, 4, 10, 11, 12, 13, 14],
            [true, true, true, true, true, false, false, false, false, false], SampleDesign.StratifiedByClass);

        var estimate = new FewLabelPriorEstimator(new FewLabelPriorEstimatorOptions { KnownPi = 0.4 }).Estimate(corpus, sample);

        double epsilon = 0.5 / 11;
        Assert.Equal(epsilon, estimate.Priors.ThetaN, 12);
        Assert.Equal(0.8 - epsilon, estimate.Priors.ThetaP, 12);
        Assert.Equal(0.4, 0.5 * estimate.Priors.ThetaP + 0.5 * estimate.Priors.ThetaN, 12);
    }

    [Fact]
    public void Estimate_LowerConfidenceLevel_GivesNarrowerIntervalsWithThatLevel()
    {
        var corpus = Corpus("++++-----0");
        var sample = new LabeledSample([0, 1, 2, 4, 5, 6, 7], [true, true, false, true, false, false, false]);

        var wide = new FewLabelPriorEstimator().Estimate(corpus, sample);
        var narrow = new FewLabelPriorEstimator(new FewLabelPriorEstimatorOptions { ConfidenceLevel = 0.8 }).Estimate(corpus, sample);

        Assert.Equal(0.8, narrow.ThetaP.Level);
        Assert.True(narrow.ThetaP.Width < wide.ThetaP.Width);
        Assert.True(narrow.ThetaN.Width < wide.ThetaN.Width);
        Assert.True(narrow.Pi.Width < wide.Pi.Width);
        Assert.Equal(wide.Priors, narrow.Priors);
    }
}
