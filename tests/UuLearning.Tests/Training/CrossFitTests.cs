using TorchSharp;
using UuLearning.Internal;
using UuLearning.Tests.TestDoubles;
using static TorchSharp.torch;

namespace UuLearning.Tests.Training;

/// <summary>
/// Cross-fitting trains the K fold scorers of linear and MLP heads together as one stacked model. These tests hold it to
/// the fold-by-fold loop (AdamW in torch's formulation on one module per fold, kept for custom scorers; HeldScalarAdamWTests holds it to torch.optim.AdamW) and to fold isolation.
/// </summary>
[Collection(TorchCollection.Name)]
public class CrossFitTests
{
    private const int Folds = 5;

    public static TheoryData<string> Heads => new() { "linear", "mlp" };

    [Theory]
    [MemberData(nameof(Heads))]
    public void CrossFit_Stacked_MatchesFoldByFoldTraining(string head)
    {
        // The same folds, seeds and batches trained one module at a time by the custom-scorer path (given a factory
        // that builds the very same module) must give the same out-of-fold scores. Dropout is 0 because
        // the stacked model draws one dropout mask for all folds.
        var (n, batch) = SizeWithUnequalBatchCounts();
        var data = SyntheticData.TwoGaussians(n, 12, 0.45, 0.2, 0.3, seed: 31, abstain: 0.05);
        var architecture = head == "mlp" ? ScorerArchitecture.Mlp(new[] { 7 }, dropout: 0) : ScorerArchitecture.Linear();
        var options = new UuTrainerOptions { Epochs = 6, BatchSize = batch, Scorer = architecture, Threads = 1 };
        var labels = data.Noisy;
        var fold = IterativeRefiner.AssignFolds(labels, Folds, new Random(3));
        var priors = new ClassPriors(0.7, 0.25, 0.45);
        using var x = FeatureMatrix.ToTensor(data.Features, 12, CPU);

        var (stacked, stackedReport) = new UuTrainer(options).CrossFit(x, labels, fold, Folds, priors, round: 2, CancellationToken.None);
        var loopOptions = options.Clone();
        loopOptions.Scorer = ScorerArchitecture.Custom(d => architecture.Create(d), "same module");
        var (loop, loopReport) = new UuTrainer(loopOptions).CrossFit(x, labels, fold, Folds, priors, round: 2, CancellationToken.None);

        double worst = Enumerable.Range(0, n).Max(i => Math.Abs(stacked[i] - loop[i]));
        Assert.True(worst < 2e-4, $"largest score difference {worst}");
        Assert.True(stacked.Select(Math.Abs).Average() > 0.05, "scores should not be trivially zero");
        Assert.Equal(loopReport.BestEpoch, stackedReport.BestEpoch);
        Assert.Equal(loopReport.TrainingItems, stackedReport.TrainingItems);
        Assert.Equal(loopReport.HeldOutRisk.Count, stackedReport.HeldOutRisk.Count);
        for (int e = 0; e < loopReport.TrainingRisk.Count; e++)
        {
            Assert.Equal(loopReport.TrainingRisk[e], stackedReport.TrainingRisk[e], 4);
        }
    }

    [Fact]
    public void Train_StackedSingleFit_MatchesModuleTraining()
    {
        // K = 1: the stacked trainer with one fit against the custom-scorer path (AdamW on the module itself).
        var data = SyntheticData.TwoGaussians(500, 10, 0.5, 0.2, 0.3, seed: 32);
        var options = new UuTrainerOptions { Epochs = 5, BatchSize = 48, Threads = 1 };
        var priors = new ClassPriors(0.75, 0.3, 0.5);
        using var stacked = new UuTrainer(options).Train(data.Features, data.Noisy, priors);
        var loopOptions = options.Clone();
        loopOptions.Scorer = ScorerArchitecture.Custom(d => ScorerArchitecture.Linear().Create(d), "same module");
        using var loop = new UuTrainer(loopOptions).Train(data.Features, data.Noisy, priors);

        var a = stacked.Score(data.Features);
        var b = loop.Score(data.Features);
        Assert.True(Enumerable.Range(0, a.Length).Max(i => Math.Abs(a[i] - b[i])) < 1e-4);
        Assert.Equal(loop.TrainingReport!.BestEpoch, stacked.TrainingReport!.BestEpoch);
    }

    [Theory]
    [MemberData(nameof(Heads))]
    public void CrossFit_FlippingOneFoldsLabels_LeavesThatFoldsScoresUnchanged(string head)
    {
        // Fold 0's items are scored by the scorer that never saw their labels: flipping every one of those labels must
        // not move their scores at all, while it must move the other folds' scores (whose scorers trained on them).
        var data = SyntheticData.TwoGaussians(600, 16, 0.5, 0.2, 0.2, seed: 33);
        var architecture = head == "mlp" ? ScorerArchitecture.Mlp(new[] { 8 }, dropout: 0.1) : ScorerArchitecture.Linear();
        var trainer = new UuTrainer(new UuTrainerOptions { Epochs = 4, Scorer = architecture, Threads = 1 });
        var labels = data.Noisy;
        var fold = IterativeRefiner.AssignFolds(labels, Folds, new Random(4));
        var flipped = labels.Select((l, i) => fold[i] != 0 ? l : l == PseudoLabel.Positive ? PseudoLabel.Negative : PseudoLabel.Positive).ToArray();
        var priors = new ClassPriors(0.8, 0.2, 0.5);
        using var x = FeatureMatrix.ToTensor(data.Features, 16, CPU);

        var (before, _) = trainer.CrossFit(x, labels, fold, Folds, priors, round: 1, CancellationToken.None);
        var (after, _) = trainer.CrossFit(x, flipped, fold, Folds, priors, round: 1, CancellationToken.None);

        var own = Enumerable.Range(0, data.Gold.Length).Where(i => fold[i] == 0).ToArray();
        var others = Enumerable.Range(0, data.Gold.Length).Where(i => fold[i] != 0).ToArray();
        Assert.All(own, i => Assert.Equal(before[i], after[i]));
        Assert.True(others.Average(i => Math.Abs(before[i] - after[i])) > 0.01, "the flipped labels should change the scorers that trained on them");
    }

    [Fact]
    public void CrossFit_SameSeedSameThreads_IsBitForBitRepeatable_AndRestoresTorchThreads()
    {
        var data = SyntheticData.TwoGaussians(400, 8, 0.5, 0.2, 0.3, seed: 34);
        var trainer = new UuTrainer(new UuTrainerOptions { Epochs = 3, Scorer = ScorerArchitecture.Mlp(new[] { 16 }), Threads = 2 });
        var fold = IterativeRefiner.AssignFolds(data.Noisy, Folds, new Random(5));
        using var x = FeatureMatrix.ToTensor(data.Features, 8, CPU);
        int threadsBefore = torch.get_num_threads();

        var (a, _) = trainer.CrossFit(x, data.Noisy, fold, Folds, new ClassPriors(0.75, 0.3, 0.5), round: 1, CancellationToken.None);
        var (b, _) = trainer.CrossFit(x, data.Noisy, fold, Folds, new ClassPriors(0.75, 0.3, 0.5), round: 1, CancellationToken.None);

        Assert.Equal(a, b);
        Assert.Equal(threadsBefore, torch.get_num_threads());
    }

    [Fact]
    public void CrossFit_MlpWithDropout_ScoresAsWellAsFoldByFold()
    {
        // Statistical check with dropout on (where stacked and fold-by-fold draw different masks): over 8 seeded
        // draws, the out-of-fold scores' accuracy against the true classes must be within 2 points of the loop's.
        var architecture = ScorerArchitecture.Mlp(new[] { 16 }, dropout: 0.2);
        double stackedAccuracy = 0, loopAccuracy = 0;
        for (int seed = 0; seed < 8; seed++)
        {
            var data = SyntheticData.TwoGaussians(400, 10, 0.4, 0.25, 0.15, seed: 100 + seed, separation: 2.5);
            var options = new UuTrainerOptions { Epochs = 8, Scorer = architecture, Seed = seed, Threads = 1 };
            var loopOptions = options.Clone();
            loopOptions.Scorer = ScorerArchitecture.Custom(d => architecture.Create(d), "same module");
            var fold = IterativeRefiner.AssignFolds(data.Noisy, Folds, new Random(seed));
            var priors = new FewLabelPriorEstimator().Estimate(data.Noisy, LabeledSample.DrawUniform(data.Gold, 50, seed)).Priors;
            using var x = FeatureMatrix.ToTensor(data.Features, 10, CPU);
            var (s, _) = new UuTrainer(options).CrossFit(x, data.Noisy, fold, Folds, priors, 1, CancellationToken.None);
            var (l, _) = new UuTrainer(loopOptions).CrossFit(x, data.Noisy, fold, Folds, priors, 1, CancellationToken.None);
            stackedAccuracy += data.Accuracy(s.Select(v => v > 0 ? PseudoLabel.Positive : PseudoLabel.Negative).ToArray()) / 8;
            loopAccuracy += data.Accuracy(l.Select(v => v > 0 ? PseudoLabel.Positive : PseudoLabel.Negative).ToArray()) / 8;
        }
        Assert.True(loopAccuracy > 0.8, $"the fold-by-fold scorers should learn the classes ({loopAccuracy})");
        Assert.InRange(stackedAccuracy - loopAccuracy, -0.02, 0.02);
    }

    [Fact]
    public void ChooseThreads_OneThreadPerShareOfWork_WithinTheProcessors()
    {
        long share = TorchThreads.MultiplyAddsPerThread;
        Assert.Equal(1, TorchThreads.Choose(64 * 385, processors: 8));          // the linear head at batch 64
        Assert.Equal(1, TorchThreads.Choose(share - 1, processors: 8));
        Assert.Equal(1, TorchThreads.Choose(2 * share - 1, processors: 8));
        Assert.Equal(2, TorchThreads.Choose(2 * share, processors: 8));
        Assert.Equal(3, TorchThreads.Choose(3 * share, processors: 8));
        Assert.Equal(2, TorchThreads.Choose(100 * share, processors: 2));
    }

    [Fact]
    public void ThreadsFor_UsesTheOptionElseTheWork()
    {
        Assert.Equal(3, new UuTrainer(new UuTrainerOptions { Threads = 3 }).ThreadsFor(fits: 5, 384));
        Assert.Equal(1, new UuTrainer(new UuTrainerOptions()).ThreadsFor(fits: 5, 384));
        // MLP(4096) at batch 4096: 4096 x (384 x 4096 + 4096) multiply-adds per step, far above one thread's share.
        var big = new UuTrainer(new UuTrainerOptions { BatchSize = 4096, Scorer = ScorerArchitecture.Mlp(new[] { 4096 }) });
        Assert.Equal(Math.Min(Environment.ProcessorCount, 4096L * (384 * 4096 + 4096) / TorchThreads.MultiplyAddsPerThread), big.ThreadsFor(fits: 1, 384));
    }

    [Fact]
    public void WaitPolicy_IsInTheNativeEnvironment()
    {
        // Set before libtorch loaded, in the C library's environment that OpenMP reads (PASSIVE unless the user chose).
        var managed = Environment.GetEnvironmentVariable(TorchThreads.WaitPolicyVariable);
        Assert.False(string.IsNullOrEmpty(managed));
        Assert.Equal(managed, TorchThreads.WaitPolicy);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(managed, System.Runtime.InteropServices.Marshal.PtrToStringAnsi(NativeGetEnv(TorchThreads.WaitPolicyVariable)));
        }
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "getenv")]
    private static extern IntPtr NativeGetEnv([System.Runtime.InteropServices.MarshalAs(System.Runtime.InteropServices.UnmanagedType.LPStr)] string name);

    /// <summary>A corpus size and batch size for which the five folds' own plans would need different numbers of batches
    /// (cross-fitting now gives every fold the round's common batches, so this checks that the common batches, not the
    /// folds' own counts, are what both paths train on).</summary>
    private static (int N, int Batch) SizeWithUnequalBatchCounts()
    {
        var options = new UuTrainerOptions { BatchSize = 16 };
        for (int n = 200; n < 400; n++)
        {
            var data = SyntheticData.TwoGaussians(n, 12, 0.45, 0.2, 0.3, seed: 31, abstain: 0.05);
            var fold = IterativeRefiner.AssignFolds(data.Noisy, Folds, new Random(3));
            var counts = Enumerable.Range(0, Folds)
                .Select(f => FitPlan.Create(data.Noisy.Select((l, i) => fold[i] == f ? PseudoLabel.Abstained : l).ToArray(), options, 1).Batches)
                .Distinct().Count();
            if (counts > 1)
            {
                return (n, options.BatchSize);
            }
        }
        throw new InvalidOperationException("no size found");
    }
}
