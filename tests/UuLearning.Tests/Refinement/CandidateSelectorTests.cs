namespace UuLearning.Tests.Refinement;

public class CandidateSelectorTests
{
    /// <summary>
    /// A world where the posterior model is right: y ~ Bernoulli(0.5), the labeler is right with probability
    /// <paramref name="labelerAccuracy"/>, and the score is N(+-<paramref name="separation"/>/2, 1) by class.
    /// </summary>
    private static (float[] Scores, PseudoLabel[] Initial, bool[] Gold) World(int n, double labelerAccuracy, double separation, Random rng)
    {
        var scores = new float[n];
        var initial = new PseudoLabel[n];
        var gold = new bool[n];
        for (int i = 0; i < n; i++)
        {
            gold[i] = rng.NextDouble() < 0.5;
            bool said = rng.NextDouble() < labelerAccuracy ? gold[i] : !gold[i];
            initial[i] = said ? PseudoLabel.Positive : PseudoLabel.Negative;
            scores[i] = (float)((gold[i] ? 0.5 : -0.5) * separation + Normal(rng));
        }
        return (scores, initial, gold);
    }

    private static double Normal(Random rng) => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    private static RefinementCandidate Candidate(float[] scores, PseudoLabel[] initial, LabeledSample sample)
    {
        var model = PosteriorModel.Fit(scores, initial, sample, 0.5, null, PosteriorModel.ScaleOf(scores));
        var p = model.Probabilities(scores, initial);
        var labels = p.Select(x => x > 0.5 ? PseudoLabel.Positive : PseudoLabel.Negative).ToArray();
        return new RefinementCandidate(1, labels, scores, p, initial, new ClassPriors(0.8, 0.2, 0.5), null);
    }

    private static double AccuracyOutside(IReadOnlyList<PseudoLabel> labels, bool[] gold, LabeledSample sample)
    {
        var inSample = new HashSet<int>(sample.Indices);
        var outside = Enumerable.Range(0, gold.Length).Where(i => !inSample.Contains(i)).ToArray();
        return outside.Average(i => (labels[i] == PseudoLabel.Positive) == gold[i] ? 1.0 : 0.0);
    }

    [Fact]
    public void Assess_StrongScoresAndAWeakLabeler_EligibleWithAPositiveGain()
    {
        var rng = new Random(1);
        var (scores, initial, gold) = World(2_000, 0.7, 4.0, rng);
        var sample = LabeledSample.DrawUniform(gold, 50, 1);
        var candidate = Candidate(scores, initial, sample);
        var a = new CandidateSelector(0.95, 0.0).Assess(candidate, initial, initial, sample, 0.5, flipThreshold: 0.5);
        Assert.True(a.Eligible, $"gain {a.Gain} {a.GainInterval}, sample {a.SampleWins}/{a.SampleLosses}");
        Assert.True(a.GainInterval.Lower > 0.1);
        Assert.True(a.SampleWins > a.SampleLosses);
        double trueGain = AccuracyOutside(candidate.Labels, gold, sample) - AccuracyOutside(initial, gold, sample);
        Assert.True(a.GainInterval.Contains(trueGain), $"true gain {trueGain} outside {a.GainInterval}");
    }

    [Fact]
    public void Assess_CandidateEqualToTheInitialLabels_NotEligible()
    {
        var rng = new Random(2);
        var (scores, initial, gold) = World(1_000, 0.9, 0.0, rng);
        var sample = LabeledSample.DrawUniform(gold, 50, 2);
        var model = PosteriorModel.Fit(scores, initial, sample, 0.5, null, 1.0);
        var same = new RefinementCandidate(1, initial, scores, model.Probabilities(scores, initial), initial, new ClassPriors(0.8, 0.2, 0.5), null);
        var a = new CandidateSelector(0.95, 0.0).Assess(same, initial, initial, sample, 0.5, flipThreshold: null);
        Assert.False(a.Eligible);
        Assert.Equal(0, a.Gain);
        Assert.Equal(0, a.SampleWins + a.SampleLosses);
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void Assess_OverManyDraws_IntervalsCoverTheTrueAccuracyAndGain()
    {
        // 200 seeded draws of a corpus and its 50-item sample, in a world the posterior model describes. The 95 %
        // intervals must cover the realised accuracy and gain on the items outside the sample in at least 90 % of draws,
        // and a candidate that is not better (weak scores, good labeler) must almost never be declared eligible.
        int coveredAccuracy = 0, coveredGain = 0, draws = 200;
        for (int d = 0; d < draws; d++)
        {
            var rng = new Random(1000 + d);
            var (scores, initial, gold) = World(1_000, 0.8, 2.0, rng);
            var sample = LabeledSample.DrawUniform(gold, 50, d);
            var candidate = Candidate(scores, initial, sample);
            var a = new CandidateSelector(0.95, 0.0).Assess(candidate, initial, initial, sample, 0.5, flipThreshold: 0.5);
            double accuracy = AccuracyOutside(candidate.Labels, gold, sample);
            double gain = accuracy - AccuracyOutside(initial, gold, sample);
            coveredAccuracy += a.Accuracy.Interval.Contains(accuracy) ? 1 : 0;
            coveredGain += a.GainInterval.Contains(gain) ? 1 : 0;
        }
        Assert.True(coveredAccuracy >= 0.9 * draws, $"accuracy covered in {coveredAccuracy} of {draws} draws");
        Assert.True(coveredGain >= 0.9 * draws, $"gain covered in {coveredGain} of {draws} draws");

        int harmfulAccepted = 0;
        for (int d = 0; d < draws; d++)
        {
            var rng = new Random(5000 + d);
            var (scores, initial, gold) = World(1_000, 0.9, 0.3, rng);
            var sample = LabeledSample.DrawUniform(gold, 50, d);
            var candidate = Candidate(scores, initial, sample);
            var a = new CandidateSelector(0.95, 0.0).Assess(candidate, initial, initial, sample, 0.5, flipThreshold: 0.5);
            double gain = AccuracyOutside(candidate.Labels, gold, sample) - AccuracyOutside(initial, gold, sample);
            harmfulAccepted += a.Eligible && gain < -0.01 ? 1 : 0;
        }
        Assert.True(harmfulAccepted <= 0.05 * draws, $"a candidate more than 1 point worse was accepted in {harmfulAccepted} of {draws} draws");
    }

    [Theory]
    [InlineData(0.7, PseudoLabel.Negative, 0.5, PseudoLabel.Positive)]
    [InlineData(0.7, PseudoLabel.Negative, 0.9, PseudoLabel.Negative)]
    [InlineData(0.95, PseudoLabel.Negative, 0.9, PseudoLabel.Positive)]
    [InlineData(0.3, PseudoLabel.Positive, 0.5, PseudoLabel.Negative)]
    [InlineData(0.3, PseudoLabel.Positive, 0.9, PseudoLabel.Positive)]
    [InlineData(0.05, PseudoLabel.Positive, 0.9, PseudoLabel.Negative)]
    [InlineData(0.95, PseudoLabel.Positive, 0.9, PseudoLabel.Positive)]
    public void Relabel_FlipsOnlyWhenTheOtherClassExceedsTheThreshold(double p, PseudoLabel initial, double threshold, PseudoLabel expected) =>
        Assert.Equal(expected, CandidateSelector.Relabel(p, initial, threshold));

    [Fact]
    public void Choose_PicksTheEligibleCandidateWithTheHighestGain_OrNone()
    {
        static CandidateAssessment A(int round, double gain, double lower, bool eligible) =>
            new(round, false, default, default, gain, new ConfidenceInterval(lower, 2 * gain - lower, 0.95), 2, 1, eligible);
        Assert.Equal(-1, CandidateSelector.Choose([A(1, 0.05, 0.01, false), A(2, 0.06, 0.02, false)]));
        // Round 2 has the narrower interval, round 3 the larger gain: the gain decides; round 4 is not eligible.
        Assert.Equal(2, CandidateSelector.Choose([A(1, 0.01, 0.0, true), A(2, 0.03, 0.02, true), A(3, 0.05, -0.005, true), A(4, 0.09, -0.03, false)]));
        Assert.Contains("Kept the initial labels", CandidateSelector.Describe([A(1, -0.01, -0.05, false)], -1));
        Assert.Contains("Returned round 2", CandidateSelector.Describe([A(1, 0.01, 0.0, true), A(2, 0.03, 0.01, true)], 1));
    }
}
