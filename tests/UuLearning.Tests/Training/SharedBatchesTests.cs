using UuLearning.Internal;
using UuLearning.Tests.TestDoubles;
using static TorchSharp.torch;

namespace UuLearning.Tests.Training;

/// <summary>
/// Cross-fitting's fits take their batches from one common sequence (<see cref="SharedBatches"/>). These tests hold it
/// to what a fit's own plan guarantees (every training item once per epoch, nothing else, both sets in every batch) and
/// to fold isolation (fit f's batches do not depend on fold f's labels), and hold the managed engine's row sharing to
/// each fit walking its own part of the batches.
/// </summary>
[Collection(TorchCollection.Name)]
public class SharedBatchesTests
{
    private const int Folds = 5;

    private static (FitPlan[] Views, int[] Fold, PseudoLabel[] Labels, UuTrainerOptions Options) Views(PseudoLabel[] labels, int[] fold, UuTrainerOptions options, long seed = 9)
    {
        var own = Enumerable.Range(0, Folds)
            .Select(f => FitPlan.Create(labels.Select((l, i) => fold[i] == f ? PseudoLabel.Abstained : l).ToArray(), options, 100 + f))
            .ToArray();
        return (FitPlan.ShareBatches(own, fold, labels, options, seed), fold, labels, options);
    }

    private static List<long[]> Epochs(FitPlan plan, int epochs)
    {
        var result = new List<long[]>();
        var order = new long[plan.Batches * plan.MaxBatchLength];
        var bounds = new (int Start, int Length)[plan.Batches];
        for (int e = 0; e < epochs; e++)
        {
            plan.NextEpoch(order, bounds);
            result.AddRange(bounds.Select(b => order.AsSpan(b.Start, b.Length).ToArray()));
        }
        return result;
    }

    [Fact]
    public void EachFit_SeesEachOfItsTrainingItemsOncePerEpoch_AndNothingElse()
    {
        var data = SyntheticData.TwoGaussians(1_003, 4, 0.4, 0.2, 0.3, seed: 5, abstain: 0.05);
        var labels = data.Noisy.ToArray();
        var fold = IterativeRefiner.AssignFolds(labels, Folds, new Random(2));
        var (views, _, _, options) = Views(labels, fold, new UuTrainerOptions { BatchSize = 32 });
        foreach (var plan in views)
        {
            var expected = plan.TrainPos.Concat(plan.TrainNeg).Select(i => (long)i).Order().ToArray();
            Assert.DoesNotContain(expected, i => fold[i] == plan.Fit || labels[i] == PseudoLabel.Abstained);
            var order = new long[plan.Batches * plan.MaxBatchLength];
            var bounds = new (int Start, int Length)[plan.Batches];
            long[]? previous = null;
            for (int e = 0; e < 3; e++)
            {
                plan.NextEpoch(order, bounds);
                var seen = bounds.SelectMany(b => order.AsSpan(b.Start, b.Length).ToArray()).ToArray();
                Assert.Equal(expected, seen.Order().ToArray());
                Assert.NotEqual(previous, seen); // reshuffled every epoch
                previous = seen;
                // Both sets in every batch, about the configured batch size.
                Assert.All(bounds, b => Assert.Contains(order.AsSpan(b.Start, b.Length).ToArray(), i => labels[i] == PseudoLabel.Positive));
                Assert.All(bounds, b => Assert.Contains(order.AsSpan(b.Start, b.Length).ToArray(), i => labels[i] == PseudoLabel.Negative));
            }
            double mean = (double)expected.Length / plan.Batches;
            Assert.InRange(mean, 0.8 * options.BatchSize, 1.05 * options.BatchSize);
        }
    }

    [Fact]
    public void FitBatches_DoNotDependOnItsOwnFoldsLabels()
    {
        var data = SyntheticData.TwoGaussians(600, 4, 0.4, 0.2, 0.3, seed: 6);
        var labels = data.Noisy.ToArray();
        var fold = IterativeRefiner.AssignFolds(labels, Folds, new Random(3));
        var options = new UuTrainerOptions { BatchSize = 24 };
        const int f = 2;
        var flipped = labels.Select((l, i) => fold[i] != f ? l : l == PseudoLabel.Positive ? PseudoLabel.Negative : PseudoLabel.Positive).ToArray();
        var before = Views(labels, fold, options).Views;
        var after = Views(flipped, fold, options).Views;
        Assert.Equal(Epochs(before[f], 4), Epochs(after[f], 4));
        // The other fits train on fold f, so its labels do move them (the test could fail).
        Assert.NotEqual(Epochs(before[0], 4), Epochs(after[0], 4));
    }

    [Fact]
    public void Epochs_CanBeReplayed_FitAfterFit()
    {
        // The fold-by-fold path trains fit 0 for every epoch, then fit 1 from epoch 1 again: the same batches as stacked.
        var data = SyntheticData.TwoGaussians(500, 4, 0.4, 0.2, 0.3, seed: 7);
        var labels = data.Noisy.ToArray();
        var fold = IterativeRefiner.AssignFolds(labels, Folds, new Random(4));
        var options = new UuTrainerOptions { BatchSize = 20 };
        var stacked = Views(labels, fold, options).Views;
        var stackedEpochs = stacked.Select(_ => new List<long[]>()).ToArray();
        for (int e = 0; e < 3; e++)
        {
            for (int f = 0; f < Folds; f++)
            {
                stackedEpochs[f].AddRange(Epochs(stacked[f], 1));
            }
        }
        var oneByOne = Views(labels, fold, options).Views;
        for (int f = 0; f < Folds; f++)
        {
            Assert.Equal(stackedEpochs[f], Epochs(oneByOne[f], 3));
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ManagedEngine_SharingRows_EqualsEachFitWalkingItsOwnBatches(bool sparse)
    {
        var data = SyntheticData.TwoGaussians(700, 40, 0.45, 0.2, 0.3, seed: 8, abstain: 0.05);
        var labels = data.Noisy.ToArray();
        var fold = IterativeRefiner.AssignFolds(labels, Folds, new Random(5));
        var options = new UuTrainerOptions { BatchSize = 32, Epochs = 4 };
        var priors = new ClassPriors(0.75, 0.3, 0.5);
        using var x = FeatureMatrix.ToTensor(data.Features, 40, CPU);
        var seeds = Enumerable.Range(0, Folds).Select(f => 50L + f).ToArray();
        double density = sparse ? 1.0 : 0.0;
        using var sharing = ManagedLinearFits.Create(x, labels, seeds, priors, options, threads: 2, sparseDensity: density);
        using var walking = ManagedLinearFits.Create(x, labels, seeds, priors, options, threads: 2, sparseDensity: density);
        Assert.Equal(sparse, sharing.IsSparse);
        walking.ShareRows = false;
        foreach (var fits in new[] { sharing, walking })
        {
            var plans = Views(labels, fold, options).Views;
            var orders = plans.Select(p => new long[p.Batches * p.MaxBatchLength]).ToArray();
            var bounds = plans.Select(p => new (int Start, int Length)[p.Batches]).ToArray();
            var steps = new long[Folds];
            for (int e = 0; e < options.Epochs; e++)
            {
                for (int f = 0; f < Folds; f++)
                {
                    plans[f].NextEpoch(orders[f], bounds[f]);
                }
                fits.TrainEpoch(plans, orders, bounds, steps, 0.01, CancellationToken.None);
            }
            Assert.All(steps, s => Assert.Equal(options.Epochs * plans[0].Batches, s));
        }
        for (int f = 0; f < Folds; f++)
        {
            Assert.Equal(walking.Parameters(f), sharing.Parameters(f)); // bit for bit
        }
        Assert.NotEqual(sharing.Parameters(0), sharing.Parameters(1));
    }
}
