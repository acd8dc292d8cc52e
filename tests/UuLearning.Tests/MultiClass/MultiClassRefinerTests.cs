using UuLearning.Tests.TestDoubles;

namespace UuLearning.Tests.MultiClass;

[Collection(TorchCollection.Name)]
public class MultiClassRefinerTests
{
    private static readonly double[,] Transition = { { 0.55, 0.35, 0.10 }, { 0.10, 0.80, 0.10 }, { 0.25, 0.10, 0.65 } };

    private static IterativeRefinerOptions Options(int rounds = 2) => new() { MaxRounds = rounds, Trainer = new UuTrainerOptions { Seed = 7 } };

    private static int[] Outside(int n, MultiClassLabeledSample sample) => Enumerable.Range(0, n).Except(sample.Indices).ToArray();

    [Fact]
    [Trait("Category", "Slow")]
    public async Task RefineAsync_InformativeFeatures_ReturnsLabelsBetterThanTheInitialOnes()
    {
        var data = MultiClassSyntheticData.Draw(900, 10, Transition, seed: 11, separation: 3.5);
        var sample = MultiClassLabeledSample.DrawUniform(data.Gold, 3, 50, seed: 11);
        using var result = await new MultiClassRefiner(options: Options()).RefineAsync(data.Features, data.Noisy, sample);
        var outside = Outside(900, sample);
        double initial = data.Accuracy(data.Noisy, outside), refined = data.Accuracy(result.Labels, outside);
        Assert.True(refined > initial + 0.05, $"refined {refined:0.000} vs initial {initial:0.000}; {result.SelectionDetail}");
        Assert.True(result.ChosenRound > 0);
        Assert.True(result.EstimatedAccuracy.Interval.Contains(refined), $"estimate {result.EstimatedAccuracy} vs truth {refined:0.000}");
        Assert.All(sample.Indices.Select((i, s) => (i, s)), p => Assert.Equal(sample.Labels[p.s], result.Labels[p.i]));
        // The review list holds the items outside the sample, least confident first.
        Assert.Equal(outside.Length, result.ReviewList.Count);
        Assert.True(result.ReviewList[0].Confidence <= result.ReviewList[^1].Confidence);
        Assert.All(result.Probabilities, p => Assert.Equal(1.0, p.Sum(), 9));
        // The returned classifier (trained on the chosen round's training labels) labels items better than the labeler did.
        var predicted = result.Classifier.Predict(data.Features);
        Assert.True(data.Accuracy(predicted, outside) > initial + 0.05, $"classifier {data.Accuracy(predicted, outside):0.000} vs initial {initial:0.000}");
        Assert.Equal(3, result.Classifier.ClassCount);
        Assert.All(result.Classifier.PredictProbabilities(data.Features.Take(20).ToArray()), p => Assert.Equal(1.0, p.Sum(), 4));
        Assert.Throws<ArgumentException>(() => result.Classifier.Predict(new ReadOnlyMemory<float>[] { new float[9] }));
        result.Dispose();
        Assert.Throws<ObjectDisposedException>(() => result.Classifier.Predict(data.Features));
    }

    [Fact]
    [Trait("Category", "Slow")]
    public async Task RefineAsync_GoldOutsideSamplePermuted_ResultUnchanged()
    {
        var data = MultiClassSyntheticData.Draw(600, 8, Transition, seed: 12, separation: 3.0);
        var sample = MultiClassLabeledSample.DrawUniform(data.Gold, 3, 50, seed: 12);
        using var original = await new MultiClassRefiner(options: Options()).RefineAsync(data.Features, data.Noisy, sample);

        var outside = Outside(600, sample);
        var rng = new Random(5);
        var permuted = (int[])data.Gold.Clone();
        var shuffled = outside.OrderBy(_ => rng.Next()).ToArray();
        for (int t = 0; t < outside.Length; t++)
        {
            permuted[outside[t]] = data.Gold[shuffled[t]];
        }
        Assert.NotEqual(data.Gold, permuted);
        using var again = await new MultiClassRefiner(options: Options()).RefineAsync(data.Features, data.Noisy, MultiClassLabeledSample.DrawUniform(permuted, 3, 50, seed: 12));

        Assert.Equal(original.Labels, again.Labels);
        Assert.Equal(original.ChosenRound, again.ChosenRound);
        Assert.Equal(original.EstimatedAccuracy.Value, again.EstimatedAccuracy.Value, 1e-4);
        Assert.All(original.Probabilities.Zip(again.Probabilities), p => Assert.Equal(p.First, p.Second, new ToleranceComparer(1e-4)));
        Assert.All(original.Rounds.Zip(again.Rounds), r => Assert.Equal(r.First.Assessment.Gain, r.Second.Assessment.Gain, 1e-4));
    }

    [Fact]
    [Trait("Category", "Slow")]
    public async Task RefineAsync_FeaturesWithoutSignal_KeepsTheInitialLabels()
    {
        var informative = MultiClassSyntheticData.Draw(600, 8, new[,] { { 0.8, 0.1, 0.1 }, { 0.1, 0.8, 0.1 }, { 0.1, 0.1, 0.8 } }, seed: 13);
        var noise = MultiClassSyntheticData.Draw(600, 8, Transition, seed: 14, separation: 0);
        var sample = MultiClassLabeledSample.DrawUniform(informative.Gold, 3, 50, seed: 13);
        using var result = await new MultiClassRefiner(options: Options()).RefineAsync(noise.Features, informative.Noisy, sample);
        var outside = Outside(600, sample);
        Assert.True(informative.Accuracy(result.Labels, outside) >= informative.Accuracy(informative.Noisy, outside) - 0.01, result.SelectionDetail);
        Assert.All(result.Rounds, r => Assert.False(r.Assessment.Eligible));
    }

    [Fact]
    public async Task RefineAsync_AbstainedItems_GetAClass()
    {
        var data = MultiClassSyntheticData.Draw(500, 8, Transition, seed: 15, separation: 3.0);
        var initial = data.Noisy.Select((l, i) => i % 10 == 0 ? -1 : l).ToArray();
        var sample = MultiClassLabeledSample.DrawUniform(data.Gold, 3, 50, seed: 15);
        using var result = await new MultiClassRefiner(options: Options(1)).RefineAsync(data.Features, initial, sample);
        Assert.All(result.Labels, l => Assert.InRange(l, 0, 2));
        Assert.All(result.Decisions.Where(d => d.Initial < 0), d => Assert.True(d.Changed));
        Assert.Equal(50, result.Rounds[0].NewlyLabeled - sample.Indices.Count(i => initial[i] < 0) + sample.Indices.Count(i => initial[i] < 0));
    }

    [Fact]
    public async Task RefineAsync_NearSingularTheta_ShrinksInsteadOfRefusing()
    {
        // A sample in which pseudo-labeled sets 1 and 2 hold the same gold mix (half class 1, half class 2): the estimator
        // alone refuses this Theta; the refiner smooths it until it is invertible within the bound, and says so.
        var data = MultiClassSyntheticData.Draw(600, 8, Transition, seed: 17, separation: 3.0);
        IEnumerable<int> Pick(int noisy, int gold, int count) => Enumerable.Range(0, 600).Where(i => data.Noisy[i] == noisy && data.Gold[i] == gold).Take(count);
        var indices = Pick(0, 0, 9).Concat(Pick(0, 1, 1)).Concat(Pick(1, 1, 12)).Concat(Pick(1, 2, 12)).Concat(Pick(2, 1, 12)).Concat(Pick(2, 2, 12)).ToArray();
        Assert.Equal(58, indices.Length);
        var sample = new MultiClassLabeledSample(indices, indices.Select(i => data.Gold[i]).ToArray(), 3);
        Assert.Contains("nearly singular", Assert.Throws<InvalidOperationException>(() => new MultiClassPriorEstimator().Estimate(data.Noisy, sample)).Message, StringComparison.Ordinal);

        using var result = await new MultiClassRefiner(options: Options(1)).RefineAsync(data.Features, data.Noisy, sample);
        var priors = result.Rounds[0].Priors;
        Assert.Contains("near singular", priors.Method, StringComparison.Ordinal);
        Assert.True(priors.Priors.ConditionNumber <= 20, priors.Priors.ToString());
        Assert.Equal(600, result.Labels.Count);
    }

    [Fact]
    public async Task RefineAsync_BadInputs_Throw()
    {
        var data = MultiClassSyntheticData.Draw(100, 4, Transition, seed: 16);
        var sample = MultiClassLabeledSample.DrawUniform(data.Gold, 3, 30, seed: 16);
        var refiner = new MultiClassRefiner(options: Options(1));
        Assert.Equal("initialLabels", (await Assert.ThrowsAsync<ArgumentException>(() => refiner.RefineAsync(data.Features, data.Noisy.Take(99).ToArray(), sample))).ParamName);
        var outOfRange = (int[])data.Noisy.Clone();
        outOfRange[3] = 3;
        Assert.Equal("pseudoLabels", (await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => refiner.RefineAsync(data.Features, outOfRange, sample))).ParamName);
        var farSample = new MultiClassLabeledSample(new[] { 100 }, new[] { 0 }, 3);
        Assert.Equal("sample", (await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => refiner.RefineAsync(data.Features, data.Noisy, farSample))).ParamName);
        var custom = new IterativeRefinerOptions { Trainer = new UuTrainerOptions { Scorer = ScorerArchitecture.Custom(d => TorchSharp.torch.nn.Linear(d, 1)) } };
        Assert.Throws<ArgumentException>(() => new MultiClassRefiner(options: custom));
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<IReadOnlyList<double>>
    {
        public bool Equals(IReadOnlyList<double>? x, IReadOnlyList<double>? y) => x!.Zip(y!).All(p => Math.Abs(p.First - p.Second) <= tolerance);

        public int GetHashCode(IReadOnlyList<double> obj) => 0;
    }
    [Fact]
    public async Task RefineAsync_FoldsOnTwoThreads_GiveTheSameResultAsOneThread()
    {
        var data = MultiClassSyntheticData.Draw(400, 8, Transition, seed: 21, separation: 3.0);
        var sample = MultiClassLabeledSample.DrawUniform(data.Gold, 3, 50, seed: 21);
        IterativeRefinerOptions With(int threads) => new() { MaxRounds = 2, Trainer = new UuTrainerOptions { Seed = 7, Threads = threads } };
        using var one = await new MultiClassRefiner(options: With(1)).RefineAsync(data.Features, data.Noisy, sample);
        using var two = await new MultiClassRefiner(options: With(2)).RefineAsync(data.Features, data.Noisy, sample);
        Assert.Equal(one.Labels, two.Labels);
        Assert.Equal(one.Probabilities.SelectMany(p => p), two.Probabilities.SelectMany(p => p)); // bit for bit
        Assert.Equal(one.Rounds.Count, two.Rounds.Count);
    }

    [Fact]
    public void ScoreRound_CancelledWhileFoldsTrainOnTwoThreads_ThrowsOperationCanceled()
    {
        // The folds start on two threads and each sees the cancellation at its first batch: the caller gets
        // OperationCanceledException itself, not the AggregateException Parallel.For collects.
        var data = MultiClassSyntheticData.Draw(300, 8, Transition, seed: 22, separation: 3.0);
        var refiner = new MultiClassRefiner(options: new IterativeRefinerOptions { Trainer = new UuTrainerOptions { Seed = 7, Threads = 2 } });
        using var x = UuLearning.Internal.FeatureMatrix.ToTensor(data.Features, 8, TorchSharp.torch.CPU);
        var priors = new MultiClassPriors(Transition, new[] { 0.3, 0.45, 0.25 });
        Assert.Equal(300 * 3, refiner.ScoreRound(x, data.Noisy, priors, 1, CancellationToken.None).Length); // runs when not cancelled
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var e = Assert.ThrowsAny<OperationCanceledException>(() => refiner.ScoreRound(x, data.Noisy, priors, 1, cts.Token));
        Assert.Equal(cts.Token, e.CancellationToken);
    }
}
