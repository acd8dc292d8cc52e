namespace UuLearning.Tests;

public class FixedPriorEstimatorTests
{
    [Fact]
    public void Estimate_AnyInput_ReturnsGivenPriorsWithZeroWidthIntervals()
    {
        var priors = new ClassPriors(0.9, 0.2, 0.4);
        var estimator = new FixedPriorEstimator(priors);

        var estimate = estimator.Estimate(FewLabelPriorEstimatorTests.Corpus("++-0-"),
            new LabeledSample([0, 2, 3], [true, false, true]));

        Assert.Same(priors, estimate.Priors);
        Assert.Same(priors, estimator.Priors);
        Assert.Equal(new ConfidenceInterval(0.9, 0.9, 1.0), estimate.ThetaP);
        Assert.Equal(new ConfidenceInterval(0.2, 0.2, 1.0), estimate.ThetaN);
        Assert.Equal(new ConfidenceInterval(0.4, 0.4, 1.0), estimate.Pi);
        Assert.Equal(new PriorCounts(4, 2, 2, 1, 1, 0, 1), estimate.Counts);
    }

    [Fact]
    public void Constructor_NullPriors_Throws() => Assert.Throws<ArgumentNullException>(() => new FixedPriorEstimator(null!));

    [Fact]
    public void Estimate_IndexOutsideCorpus_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new FixedPriorEstimator(ClassPriors.Supervised(0.5))
            .Estimate(FewLabelPriorEstimatorTests.Corpus("+-"), new LabeledSample([5], [true])));
}
