using TorchSharp;
using UuLearning.Tests.TestDoubles;
using static TorchSharp.torch;

namespace UuLearning.Tests.Training;

[Collection(TorchCollection.Name)]
public class UuTrainerTests
{
    [Fact]
    public void RoundSeed_IsAFixedFunctionOfItsInputs()
    {
        // SplitMix64 of seed 0, round 1, stream 2, written out here independently; a process-randomised hash
        // (such as HashCode.Combine) would differ from run to run and break determinism across processes.
        ulong z = unchecked(0UL * 0x9E3779B97F4A7C15UL + 1UL * 0xBF58476D1CE4E5B9UL + 2UL * 0x94D049BB133111EBUL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        z ^= z >> 31;
        Assert.Equal((long)(z & 0x7FFFFFFF), UuTrainer.RoundSeed(0, 1, 2));
        Assert.NotEqual(UuTrainer.RoundSeed(0, 1, 2), UuTrainer.RoundSeed(0, 2, 2));
        Assert.NotEqual(UuTrainer.RoundSeed(0, 1, 1), UuTrainer.RoundSeed(0, 1, 2));
        Assert.NotEqual(UuTrainer.RoundSeed(1, 1, 2), UuTrainer.RoundSeed(0, 1, 2));
        Assert.InRange(UuTrainer.RoundSeed(-5, 3, 1), 0, int.MaxValue);
    }

    [Fact]
    public void LearningRateAt_WarmupThenCosine()
    {
        // 100 steps, 10 warm-up: linear ramp to the peak, then half a cosine down to 0.
        Assert.Equal(0.1, UuTrainer.LearningRateAt(0, 100, 10, 1.0), 12);
        Assert.Equal(1.0, UuTrainer.LearningRateAt(9, 100, 10, 1.0), 12);
        Assert.Equal(1.0, UuTrainer.LearningRateAt(10, 100, 10, 1.0), 12);
        Assert.Equal(0.5, UuTrainer.LearningRateAt(55, 100, 10, 1.0), 12);
        Assert.Equal(0.5 * (1 + Math.Cos(Math.PI * 89 / 90)), UuTrainer.LearningRateAt(99, 100, 10, 1.0), 12);
        Assert.Equal(1.0, UuTrainer.LearningRateAt(0, 100, 0, 1.0), 12);
    }

    [Fact]
    public void Train_LinearHead_SeparatesCleanData()
    {
        var data = SyntheticData.TwoGaussians(400, 8, 0.5, 0, 0, seed: 1);
        using var classifier = new UuTrainer().Train(data.Features, data.Noisy, ClassPriors.Supervised(0.5));
        Assert.True(data.Accuracy(classifier.Predict(data.Features)) > 0.95);
        var report = classifier.TrainingReport!;
        Assert.Equal(30, report.TrainingRisk.Count);
        Assert.Equal(50, report.HeldOutItems);
        Assert.Equal(350, report.TrainingItems);
        Assert.InRange(report.BestEpoch, 1, 30);
        Assert.Equal(report.HeldOutRisk.Min(), report.HeldOutRisk[report.BestEpoch - 1]);
    }

    [Fact]
    public void Train_CustomScorer_UsesTheFactory()
    {
        var data = SyntheticData.TwoGaussians(300, 6, 0.5, 0, 0, seed: 2);
        int created = 0;
        var architecture = ScorerArchitecture.Custom(d =>
        {
            created++;
            return nn.Sequential(("lin", nn.Linear(d, 1)), ("flat", nn.Flatten(0)));
        }, "my-linear");
        using var classifier = new UuTrainer(new UuTrainerOptions { Scorer = architecture }).Train(data.Features, data.Noisy, ClassPriors.Supervised(0.5));
        Assert.Equal(1, created);
        Assert.True(data.Accuracy(classifier.Predict(data.Features)) > 0.95);
    }

    [Fact]
    public void Train_OneSetEmpty_ThrowsSayingWhat()
    {
        var data = SyntheticData.TwoGaussians(50, 4, 0.5, 0, 0, seed: 4);
        var labels = Enumerable.Repeat(PseudoLabel.Negative, 50).ToArray();
        var ex = Assert.Throws<InvalidOperationException>(() => new UuTrainer().Train(data.Features, labels, new ClassPriors(0.8, 0.2, 0.5)));
        Assert.Contains("0 pseudo-positive", ex.Message);
    }

    [Fact]
    public void Train_ManyRounds_DisposeScopeStatisticsShowNoLeak()
    {
        var data = SyntheticData.TwoGaussians(300, 8, 0.5, 0.2, 0.2, seed: 5);
        var architecture = ScorerArchitecture.Mlp(new[] { 8 });
        var trainer = new UuTrainer(new UuTrainerOptions { Epochs = 3, Scorer = architecture });
        trainer.Train(data.Features, data.Noisy, new ClassPriors(0.8, 0.2, 0.5)).Dispose();

        // TorchSharp itself leaves a few tensor handles behind for every nn.Linear it constructs, even after Dispose;
        // measure that residue so the assertion below counts only what the trainer could leak. Each training builds two:
        // one to initialise the stacked model, one to hold the trained classifier.
        long residueStart = Tensor.TotalCount;
        for (int i = 0; i < 2 * 5; i++)
        {
            architecture.Create(8).Dispose();
        }
        long moduleResidue = Tensor.TotalCount - residueStart;

        DisposeScopeManager.Statistics.Reset();
        long before = Tensor.TotalCount;
        for (int i = 0; i < 5; i++)
        {
            using var classifier = trainer.Train(data.Features, data.Noisy, new ClassPriors(0.8, 0.2, 0.5));
            classifier.Score(data.Features);
        }
        var stats = DisposeScopeManager.Statistics;
        Assert.True(stats.CreatedInScopeCount > 100, "training should create scoped tensors");
        Assert.Equal(stats.CreatedInScopeCount + stats.AttachedToScopeCount, stats.DisposedInScopeCount + stats.DetachedFromScopeCount);
        Assert.Equal(0, stats.ThreadTotalLiveCount);
        Assert.Equal(before + moduleResidue, Tensor.TotalCount);
    }

    [Fact]
    public void Train_ScorerProducingNaN_StopsWithRoundAndEpochInMessage()
    {
        var data = SyntheticData.TwoGaussians(200, 4, 0.5, 0.1, 0.1, seed: 3);
        var broken = ScorerArchitecture.Custom(d => new NaNScorer(d), "nan");
        var ex = Assert.Throws<InvalidOperationException>(() =>
            new UuTrainer(new UuTrainerOptions { Scorer = broken }).Train(data.Features, data.Noisy, new ClassPriors(0.8, 0.2, 0.5)));
        Assert.Contains("round 1, epoch 1", ex.Message);
        Assert.Contains("LearningRate", ex.Message);
    }

    private sealed class NaNScorer : nn.Module<Tensor, Tensor>
    {
        private readonly TorchSharp.Modules.Linear _lin;

        public NaNScorer(int d)
            : base("nan")
        {
            _lin = nn.Linear(d, 1);
            RegisterComponents();
        }

        public override Tensor forward(Tensor input) => _lin.call(input).squeeze(-1) * double.NaN;
    }
}
