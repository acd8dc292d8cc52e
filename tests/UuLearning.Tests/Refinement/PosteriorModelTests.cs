namespace UuLearning.Tests.Refinement;

public class PosteriorModelTests
{
    /// <summary>Scores and initial labels whose gold label follows a known logistic model.</summary>
    private static (float[] Scores, PseudoLabel[] Initial, bool[] Gold) LogisticWorld(int n, double b0, double bs, double bl, int seed)
    {
        var rng = new Random(seed);
        var scores = new float[n];
        var initial = new PseudoLabel[n];
        var gold = new bool[n];
        for (int i = 0; i < n; i++)
        {
            scores[i] = (float)Normal(rng);
            initial[i] = rng.NextDouble() < 0.5 ? PseudoLabel.Positive : PseudoLabel.Negative;
            double logit = b0 + bs * scores[i] + bl * (initial[i] == PseudoLabel.Positive ? 1 : -1);
            gold[i] = rng.NextDouble() < 1 / (1 + Math.Exp(-logit));
        }
        return (scores, initial, gold);
    }

    private static double Normal(Random rng) => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    [Fact]
    public void Fit_LargeSampleFromALogisticModel_RecoversItsParameters()
    {
        var (scores, initial, gold) = LogisticWorld(20_000, -0.5, 1.5, 0.8, seed: 1);
        var sample = new LabeledSample(Enumerable.Range(0, 20_000).ToArray(), gold);
        var model = PosteriorModel.Fit(scores, initial, sample, pi: 0.5, weights: null, scale: 1.0);
        // The ridge (variance-1 prior on 20,000 points) moves the estimates by far less than their standard error (~0.02).
        Assert.InRange(model.Intercept, -0.55, -0.45);
        Assert.InRange(model.ScoreWeight, 1.44, 1.56);
        Assert.InRange(model.LabelWeight, 0.75, 0.85);
        Assert.Equal(1 / (1 + Math.Exp(-(model.Intercept + model.ScoreWeight * 0.5 + model.LabelWeight))), model.Probability(0.5f, PseudoLabel.Positive), 12);
        Assert.Equal(1 / (1 + Math.Exp(-model.Intercept)), model.Probability(0f, PseudoLabel.Abstained), 12);
    }

    [Fact]
    public void Fit_ClassStratifiedSample_ReweightedToTheCorpusPrior()
    {
        // Corpus prior about 0.2; a 50/50 class-stratified sample read as drawn would put the intercept near 0.
        var (scores, initial, gold) = LogisticWorld(40_000, -2.0, 1.0, 0.5, seed: 2);
        double pi = gold.Average(g => g ? 1.0 : 0.0);
        var positives = Enumerable.Range(0, gold.Length).Where(i => gold[i]).Take(2_000).ToArray();
        var negatives = Enumerable.Range(0, gold.Length).Where(i => !gold[i]).Take(2_000).ToArray();
        var indices = positives.Concat(negatives).ToArray();
        var labels = indices.Select(i => gold[i]).ToArray();
        var stratified = PosteriorModel.Fit(scores, initial, new LabeledSample(indices, labels, SampleDesign.StratifiedByClass), pi, null, 1.0);
        var naive = PosteriorModel.Fit(scores, initial, new LabeledSample(indices, labels, SampleDesign.UniformRandom), pi, null, 1.0);
        Assert.InRange(stratified.Intercept, -2.2, -1.8);
        Assert.True(naive.Intercept > -0.5, $"read as uniform the intercept is {naive.Intercept}");
        Assert.InRange(stratified.ScoreWeight, 0.85, 1.15);
    }

    [Fact]
    public void Fit_PerfectlySeparatedSample_StaysFinite()
    {
        var scores = new float[] { -3, -2, -1, 1, 2, 3 };
        var initial = new[] { PseudoLabel.Negative, PseudoLabel.Negative, PseudoLabel.Negative, PseudoLabel.Positive, PseudoLabel.Positive, PseudoLabel.Positive };
        var sample = new LabeledSample(Enumerable.Range(0, 6).ToArray(), new[] { false, false, false, true, true, true });
        var model = PosteriorModel.Fit(scores, initial, sample, 0.5, null, PosteriorModel.ScaleOf(scores));
        Assert.True(double.IsFinite(model.ScoreWeight) && double.IsFinite(model.LabelWeight) && double.IsFinite(model.Intercept));
        Assert.True(model.Probability(3, PseudoLabel.Positive) > 0.9);
        Assert.True(model.Probability(-3, PseudoLabel.Negative) < 0.1);
    }

    [Fact]
    public void Fit_UninformativeScores_TheLabelersAnswersStand()
    {
        // A labeler right 85 % of the time and scores that are pure noise: the posterior follows the labeler.
        var rng = new Random(3);
        int n = 2_000;
        var gold = Enumerable.Range(0, n).Select(_ => rng.NextDouble() < 0.5).ToArray();
        var initial = gold.Select(g => (rng.NextDouble() < 0.85 ? g : !g) ? PseudoLabel.Positive : PseudoLabel.Negative).ToArray();
        var scores = Enumerable.Range(0, n).Select(_ => (float)Normal(rng)).ToArray();
        var sample = LabeledSample.DrawUniform(gold, 50, 3);
        var model = PosteriorModel.Fit(scores, initial, sample, 0.5, null, PosteriorModel.ScaleOf(scores));
        var p = model.Probabilities(scores, initial);
        int agree = Enumerable.Range(0, n).Count(i => (p[i] > 0.5) == (initial[i] == PseudoLabel.Positive));
        Assert.True(agree > 0.97 * n, $"posterior labels agree with the labeler on {agree} of {n}");
    }

    [Fact]
    public void Fit_ZeroWeights_LeaveTheEntryOut()
    {
        var (scores, initial, gold) = LogisticWorld(60, 0.2, 1.0, 1.0, seed: 4);
        var sample = new LabeledSample(Enumerable.Range(0, 60).ToArray(), gold);
        var weights = Enumerable.Repeat(1.0, 60).ToArray();
        weights[7] = 0;
        var without = PosteriorModel.Fit(scores, initial, sample, 0.5, weights, 1.0);
        var keep = Enumerable.Range(0, 60).Where(i => i != 7).ToArray();
        var reduced = PosteriorModel.Fit(scores, initial, new LabeledSample(keep, keep.Select(i => gold[i]).ToArray()), 0.5, null, 1.0);
        Assert.Equal(reduced.Intercept, without.Intercept, 10);
        Assert.Equal(reduced.ScoreWeight, without.ScoreWeight, 10);
        Assert.Equal(reduced.LabelWeight, without.LabelWeight, 10);
    }
}
