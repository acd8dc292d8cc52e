using Xunit.Abstractions;

namespace UuLearning.Tests;

/// <summary>
/// Statistical claims of <see cref="FewLabelPriorEstimator"/> over 5,000 seeded corpora of 2,000 items each, with a
/// 50-item labeled sample and a labeler with TPR 0.8 and FPR 0.1 (see <see cref="PriorSimulation"/>). Bias is the mean
/// of (estimate - realized corpus value) over the runs where the estimator returned; coverage is the share of those
/// runs whose 95 % interval contains the realized corpus value.
/// </summary>
public class FewLabelPriorEstimatorSimulationTests(ITestOutputHelper output)
{
    private const int Runs = 5000;
    private const double MaxBias = 0.01;
    private const double MinCoverage = 0.92;
    private const double MaxCoverage = 0.98;

    [Trait("Category", "Slow")]
    [Theory]
    [InlineData(0.2)]
    [InlineData(0.5)]
    [InlineData(0.8)]
    public void Estimate_UniformSample_UnbiasedWithNominalCoverage(double pi)
    {
        var s = PriorSimulation.Run(new FewLabelPriorEstimator(), pi, SampleDesign.UniformRandom, Runs, seed: 11);
        output.WriteLine($"uniform, pi {pi}: {s}");

        Assert.True(s.Failures <= Runs / 1000, $"{s.Failures} of {Runs} runs were refused");
        AssertBias(s.BiasThetaP, s.BiasThetaN, s.BiasPi, MaxBias);
        AssertCoverage(s.CoverageThetaP, s.CoverageThetaN, s.CoveragePi);
    }

    [Theory]
    [InlineData(0.2)]
    [InlineData(0.5)]
    [InlineData(0.8)]
    public void Estimate_StratifiedSampleWithKnownPi_UnbiasedWithNominalCoverage(double pi)
    {
        // The user knows the corpus's class prior: the estimator is told the realized pi of each simulated corpus.
        var s = PriorSimulation.Run(t => new FewLabelPriorEstimator(new FewLabelPriorEstimatorOptions { KnownPi = t.Pi }),
            pi, SampleDesign.StratifiedByClass, Runs, seed: 12);
        output.WriteLine($"stratified, pi given, pi {pi}: {s}");

        Assert.Equal(0, s.Failures);
        AssertBias(s.BiasThetaP, s.BiasThetaN, s.BiasPi, MaxBias);
        Assert.Equal(0.0, s.BiasPi, 12);
        AssertCoverage(s.CoverageThetaP, s.CoverageThetaN, 0.95);
    }

    /// <summary>
    /// Without a known pi, a 25 + 25 stratified sample must solve pi from rho = pi TPR + (1 - pi) FPR, a ratio of noisy
    /// rates. When rho falls outside [FPR, TPR] estimated from the sample, pi is 0 or 1 and the estimate is refused:
    /// this happened in 3.1 % (pi = 0.2) and 5.8 % (pi = 0.8) of the runs, and the bias on the remaining runs reached
    /// -0.0100 (thetaN, pi = 0.8; -0.0119 with another seed), because the refused runs are those with high thetaN. The bands below are the measured values plus a margin, not the 0.01 bar, which this
    /// design does not meet at 50 labels; docs/priors.md recommends a uniform sample or KnownPi instead.
    /// </summary>
    [Trait("Category", "Slow")]
    [Theory]
    [InlineData(0.2, 0.05)]
    [InlineData(0.5, 0.001)]
    [InlineData(0.8, 0.07)]
    public void Estimate_StratifiedSampleWithSolvedPi_BiasAndCoverageWithinMeasuredBands(double pi, double maxFailureRate)
    {
        var s = PriorSimulation.Run(new FewLabelPriorEstimator(), pi, SampleDesign.StratifiedByClass, Runs, seed: 13);
        output.WriteLine($"stratified, pi solved, pi {pi}: {s}");

        Assert.True(s.Failures <= maxFailureRate * Runs, $"{s.Failures} of {Runs} runs were refused");
        AssertBias(s.BiasThetaP, s.BiasThetaN, s.BiasPi, 0.015);
        AssertCoverage(s.CoverageThetaP, s.CoverageThetaN, s.CoveragePi);
    }

    [Fact]
    public void Estimate_ClassBalancedSampleReadAsRandom_BiasedWhenPiIs02()
    {
        // The mistake we avoid: the share of gold positives among pseudo-positive items of a 25 + 25 sample estimates
        // TPR / (TPR + FPR) = 0.8 / 0.9 = 0.889, not thetaP = pi TPR / rho = 0.16 / 0.24 = 0.667.
        var wrong = PriorSimulation.Run(new FewLabelPriorEstimator(), 0.2, SampleDesign.StratifiedByClass, 2000, seed: 14,
            readAs: SampleDesign.UniformRandom);
        var right = PriorSimulation.Run(t => new FewLabelPriorEstimator(new FewLabelPriorEstimatorOptions { KnownPi = t.Pi }),
            0.2, SampleDesign.StratifiedByClass, 2000, seed: 14);
        output.WriteLine($"read as random: {wrong}");
        output.WriteLine($"read as stratified: {right}");

        double expectedNaiveBias = 0.8 / 0.9 - 0.16 / 0.24;
        Assert.InRange(wrong.BiasThetaP, expectedNaiveBias - 0.03, expectedNaiveBias + 0.03);
        Assert.True(wrong.BiasThetaN > 0.1, $"thetaN bias {wrong.BiasThetaN}");
        Assert.True(wrong.CoverageThetaP < 0.5, $"thetaP coverage {wrong.CoverageThetaP}");
        Assert.InRange(right.BiasThetaP, -MaxBias, MaxBias);
    }

    private static void AssertBias(double p, double n, double pi, double max)
    {
        Assert.InRange(p, -max, max);
        Assert.InRange(n, -max, max);
        Assert.InRange(pi, -max, max);
    }

    private static void AssertCoverage(double p, double n, double pi)
    {
        Assert.InRange(p, MinCoverage, MaxCoverage);
        Assert.InRange(n, MinCoverage, MaxCoverage);
        Assert.InRange(pi, MinCoverage, MaxCoverage);
    }
}
