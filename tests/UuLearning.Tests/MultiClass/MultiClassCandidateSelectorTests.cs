namespace UuLearning.Tests.MultiClass;

public class MultiClassCandidateSelectorTests
{
    [Theory]
    [InlineData(0.1)]
    [InlineData(0.5)]
    [InlineData(0.83)]
    public void PairedVariance_TwoClasses_IsTheBinaryFourPTimesOneMinusP(double p)
    {
        // With two classes the labels differ only when one is p's class and the other 1 - p's.
        Assert.Equal(4 * p * (1 - p), MultiClassCandidateSelector.PairedVariance(p, 1 - p), 12);
    }

    [Fact]
    public void Relabel_FlipsOnlyAboveTheThreshold()
    {
        Assert.Equal(2, MultiClassCandidateSelector.Relabel(new[] { 0.02, 0.03, 0.95 }, 0, 0.9));
        Assert.Equal(0, MultiClassCandidateSelector.Relabel(new[] { 0.05, 0.1, 0.85 }, 0, 0.9));
        Assert.Equal(1, MultiClassCandidateSelector.Relabel(new[] { 0.2, 0.5, 0.3 }, 1, 0.9));
    }

    [Fact]
    public void Assess_CandidateEqualToInitial_IsNotEligibleAndGainsZero()
    {
        var sample = new MultiClassLabeledSample(new[] { 0, 1, 2, 3 }, new[] { 0, 1, 2, 0 }, 3);
        var labels = new[] { 0, 1, 2, 1, 0, 2, 1, 0 };
        var posteriors = labels.Select(l => Enumerable.Range(0, 3).Select(j => j == l ? 0.8 : 0.1).ToArray()).ToArray();
        var assessment = new MultiClassCandidateSelector(0.95, 0.01).Assess(1, labels, labels, posteriors, sample, posteriors.Take(4).ToArray(), null, false);
        Assert.False(assessment.Eligible);
        Assert.Equal(0, assessment.Gain, 12);
        // Outside the sample every label has posterior 0.8; on the sample 3 of 4 labels are right (residuals 0.2, 0.2, 0.2, -0.8).
        Assert.Equal(0.8 + (0.2 * 3 - 0.8) / 4, assessment.Accuracy.Value, 12);
    }
}
