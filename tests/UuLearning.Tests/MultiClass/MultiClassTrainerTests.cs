using UuLearning.Internal;
using UuLearning.Tests.TestDoubles;
using static TorchSharp.torch;

namespace UuLearning.Tests.MultiClass;

[Collection(TorchCollection.Name)]
public class MultiClassTrainerTests
{
    // Heavy class-conditional noise: class 0 is labeled 1 half the time, class 2 is often labeled 0.
    private static readonly double[,] Transition = { { 0.45, 0.45, 0.10 }, { 0.10, 0.80, 0.10 }, { 0.30, 0.10, 0.60 } };

    private static double TrainAndScore(MultiClassSyntheticData data, MultiClassPriors priors, UuObjective objective)
    {
        var trainer = new MultiClassTrainer(new UuTrainerOptions { Objective = objective, Seed = 3, Epochs = 30, LearningRate = 0.02 });
        using var scope = NewDisposeScope();
        var x = FeatureMatrix.ToTensor(data.Features, data.Features[0].Length, CPU);
        using var module = trainer.Train(x, data.Noisy, priors, round: 1, CancellationToken.None);
        var logp = MultiClassTrainer.LogProbabilities(module, x);
        int k = priors.ClassCount;
        var predicted = Enumerable.Range(0, data.Gold.Length).Select(i => Enumerable.Range(0, k).MaxBy(j => logp[i * k + j])).ToArray();
        return data.Accuracy(predicted);
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void Train_KnownTheta_RecoversCleanLabelsFarBetterThanTheNoisyOnesAndThanPn()
    {
        var data = MultiClassSyntheticData.Draw(1000, 10, Transition, seed: 5, separation: 3.0);
        var priors = data.OraclePriors(3);
        double noisy = data.Accuracy(data.Noisy);
        double robust = TrainAndScore(data, priors, UuObjective.RobustUu);
        double pn = TrainAndScore(data, priors, UuObjective.Pn);
        // The noisy labels are about 61 % right (measured on this draw: robust UU 0.680, PN 0.660).
        Assert.InRange(noisy, 0.57, 0.67);
        Assert.True(robust > noisy + 0.05, $"robust UU {robust:0.000} vs noisy labels {noisy:0.000}");
        Assert.True(robust > pn + 0.01, $"robust UU {robust:0.000} vs PN on the noisy labels {pn:0.000}");
    }

    [Fact]
    public void Constructor_CustomScorer_Throws()
    {
        var options = new UuTrainerOptions { Scorer = ScorerArchitecture.Custom(d => TorchSharp.torch.nn.Linear(d, 1)) };
        Assert.Equal("Scorer", Assert.Throws<ArgumentException>(() => new MultiClassTrainer(options)).ParamName);
    }
}
