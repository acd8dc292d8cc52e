namespace UuLearning.Tests.Refinement;

public class PosteriorRelabelerTests
{
    [Fact]
    public void FitPlatt_ScoresDrawnFromALogisticModel_RecoversItsParameters()
    {
        // y ~ Bernoulli(sigmoid(2 s - 0.5)) for s uniform in [-3, 3]: the fit must land near (2, -0.5).
        var rng = new Random(1);
        const int n = 20000;
        var scores = new float[n];
        var labels = new bool[n];
        for (int i = 0; i < n; i++)
        {
            scores[i] = (float)(rng.NextDouble() * 6 - 3);
            labels[i] = rng.NextDouble() < 1 / (1 + Math.Exp(-(2 * scores[i] - 0.5)));
        }
        var (a, b) = PosteriorRelabeler.FitPlatt(scores, new LabeledSample(Enumerable.Range(0, n).ToArray(), labels));
        Assert.InRange(a, 1.9, 2.1);
        Assert.InRange(b, -0.6, -0.4);
    }

    [Fact]
    public void FitPlatt_PerfectlySeparatedSample_StaysFinite()
    {
        var scores = new float[] { -2, -1, 1, 2 };
        var (a, b) = PosteriorRelabeler.FitPlatt(scores, new LabeledSample(new[] { 0, 1, 2, 3 }, new[] { false, false, true, true }));
        Assert.True(double.IsFinite(a) && a > 0);
        Assert.True(double.IsFinite(b));
    }

    [Fact]
    public void LabelerLogLikelihoodRatios_MatchJeffreysSmoothedRates()
    {
        // 10 gold positives, 8 labeled +1; 10 gold negatives, 3 labeled +1; one abstention ignored.
        var initial = new List<PseudoLabel>();
        var gold = new List<bool>();
        for (int i = 0; i < 10; i++) { initial.Add(i < 8 ? PseudoLabel.Positive : PseudoLabel.Negative); gold.Add(true); }
        for (int i = 0; i < 10; i++) { initial.Add(i < 3 ? PseudoLabel.Positive : PseudoLabel.Negative); gold.Add(false); }
        initial.Add(PseudoLabel.Abstained);
        gold.Add(true);
        var sample = new LabeledSample(Enumerable.Range(0, 21).ToArray(), gold);
        var (pos, neg) = PosteriorRelabeler.LabelerLogLikelihoodRatios(initial, sample);
        double tpr = 8.5 / 11, fpr = 3.5 / 11;
        Assert.Equal(Math.Log(tpr / fpr), pos, 12);
        Assert.Equal(Math.Log((1 - tpr) / (1 - fpr)), neg, 12);
    }

    [Fact]
    public void Relabel_UninformativeScores_KeepTheLabelersAnswers()
    {
        var rng = new Random(2);
        int n = 400;
        var gold = Enumerable.Range(0, n).Select(_ => rng.NextDouble() < 0.5).ToArray();
        var initial = gold.Select(g => (rng.NextDouble() < 0.85 ? g : !g) ? PseudoLabel.Positive : PseudoLabel.Negative).ToArray();
        var scores = Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() - 0.5) * 0.01f).ToArray();
        var sample = LabeledSample.DrawUniform(gold, 50, 3);
        Assert.Equal(initial, PosteriorRelabeler.Relabel(scores, initial, sample));
    }

    [Fact]
    public void Relabel_StrongScores_OverruleAWeakLabeler()
    {
        var rng = new Random(4);
        int n = 400;
        var gold = Enumerable.Range(0, n).Select(_ => rng.NextDouble() < 0.5).ToArray();
        var initial = gold.Select(g => (rng.NextDouble() < 0.65 ? g : !g) ? PseudoLabel.Positive : PseudoLabel.Negative).ToArray();
        var scores = gold.Select(g => (float)((g ? 3 : -3) + rng.NextDouble() - 0.5)).ToArray();
        var relabeled = PosteriorRelabeler.Relabel(scores, initial, LabeledSample.DrawUniform(gold, 50, 5));
        Assert.Equal(gold.Select(g => g ? PseudoLabel.Positive : PseudoLabel.Negative), relabeled);
    }
}
