namespace UuLearning.Tests.MultiClass;

public class MultiClassPosteriorModelTests
{
    /// <summary>300 items of 3 classes; log-probabilities that point at the true class with the given strength; a labeler right 60 % of the time.</summary>
    private static (float[] LogP, int[] Initial, int[] Gold) Items(double scoreStrength, int seed)
    {
        var rng = new Random(seed);
        int n = 300, k = 3;
        var logp = new float[n * k];
        var initial = new int[n];
        var gold = new int[n];
        for (int i = 0; i < n; i++)
        {
            gold[i] = i % k;
            initial[i] = rng.NextDouble() < 0.6 ? gold[i] : (gold[i] + 1 + rng.Next(2)) % k;
            for (int j = 0; j < k; j++)
            {
                logp[i * k + j] = (float)((j == gold[i] ? scoreStrength : 0) + rng.NextDouble() * 0.5);
            }
        }
        return (logp, initial, gold);
    }

    [Fact]
    public void Fit_InformativeScores_FollowsTheScoresOverTheLabel()
    {
        var (logp, initial, gold) = Items(scoreStrength: 3, seed: 1);
        var sample = MultiClassLabeledSample.DrawUniform(gold, 3, 60, seed: 1);
        var model = MultiClassPosteriorModel.Fit(logp, 3, initial, sample, null, MultiClassPosteriorModel.ScaleOf(logp, 3));
        var p = model.AllProbabilities(logp, initial);
        double accuracy = Enumerable.Range(0, gold.Length).Average(i => MultiClassCandidateSelector.ArgMax(p[i]) == gold[i] ? 1.0 : 0.0);
        Assert.True(accuracy > 0.95, $"posterior argmax accuracy {accuracy:0.000}");
        Assert.True(model.ScoreWeight > 1);
        Assert.All(p, row => Assert.Equal(1.0, row.Sum(), 12));
    }

    [Fact]
    public void Fit_UninformativeScores_FollowsTheLabelWithItsAccuracy()
    {
        var (logp, initial, gold) = Items(scoreStrength: 0, seed: 2);
        var sample = MultiClassLabeledSample.DrawUniform(gold, 3, 150, seed: 2);
        var model = MultiClassPosteriorModel.Fit(logp, 3, initial, sample, null, MultiClassPosteriorModel.ScaleOf(logp, 3));
        var p = model.AllProbabilities(logp, initial);
        // The label's class gets about the labeler's accuracy (0.6), within sampling error of 150 labels.
        double mean = Enumerable.Range(0, gold.Length).Average(i => p[i][initial[i]]);
        Assert.InRange(mean, 0.5, 0.7);
        Assert.All(Enumerable.Range(0, gold.Length), i => Assert.Equal(initial[i], MultiClassCandidateSelector.ArgMax(p[i])));
    }

    [Fact]
    public void Fit_ZeroWeightEqualsLeavingTheItemOut()
    {
        var (logp, initial, gold) = Items(scoreStrength: 1, seed: 3);
        var sample = MultiClassLabeledSample.DrawUniform(gold, 3, 40, seed: 3);
        var weights = Enumerable.Repeat(1.0, 40).ToArray();
        weights[5] = 0;
        double scale = MultiClassPosteriorModel.ScaleOf(logp, 3);
        var weighted = MultiClassPosteriorModel.Fit(logp, 3, initial, sample, weights, scale);
        var without = new MultiClassLabeledSample(sample.Indices.Where((_, s) => s != 5).ToArray(), sample.Labels.Where((_, s) => s != 5).ToArray(), 3);
        var refit = MultiClassPosteriorModel.Fit(logp, 3, initial, without, null, scale);
        Assert.All(weighted.Parameters.Zip(refit.Parameters), p => Assert.Equal(p.First, p.Second, 9));
    }
}
