using TorchSharp;
using static TorchSharp.torch;
using UuLearning.Tests.TestDoubles;

namespace UuLearning.Tests.Refinement;

[Collection(TorchCollection.Name)]
public class IterativeRefinerTests
{
    private static LabeledSample Sample(SyntheticData data, int size, int seed) => LabeledSample.DrawUniform(data.Gold, size, seed);

    private static IterativeRefinerOptions MlpOptions(UuObjective objective, int seed) => new()
    {
        Selection = RoundSelection.Last,
        Relabeling = RelabelingRule.Sign,
        CrossFitFolds = 1,
        FlipTolerance = 0,
        Trainer = new UuTrainerOptions
        {
            Objective = objective, Seed = seed, Epochs = 50, BatchSize = 128, LearningRate = 0.005,
            Scorer = ScorerArchitecture.Mlp(new[] { 256 }, 0.0),
        },
    };

    private static IPriorEstimator Estimator() => new FewLabelPriorEstimator();

    [Trait("Category", "Slow")]
    [Fact]
    public async Task RefineAsync_HeavyClassConditionalNoise_RobustUuBeatsUuAndPnAndExceeds95Percent()
    {
        // 1,000 items in 50 dimensions, 30 % of positives and 40 % of negatives mislabeled (initial accuracy about 0.65),
        // an MLP scorer that can overfit: the regime where the paper's ablation predicts PN < UU <= robust UU.
        var accuracy = new Dictionary<UuObjective, double>();
        foreach (var objective in new[] { UuObjective.Pn, UuObjective.Uu, UuObjective.RobustUu })
        {
            double sum = 0;
            foreach (int seed in new[] { 1, 2 })
            {
                var data = SyntheticData.TwoGaussians(1000, 50, 0.5, 0.3, 0.4, seed);
                Assert.InRange(data.Accuracy(data.Noisy), 0.6, 0.7);
                var refiner = new IterativeRefiner(Estimator(), MlpOptions(objective, seed));
                using var result = await refiner.RefineAsync(data.Features, data.Noisy, Sample(data, 50, seed));
                sum += data.Accuracy(result.Labels);
            }
            accuracy[objective] = sum / 2;
        }
        Assert.True(accuracy[UuObjective.RobustUu] > 0.95, $"robust UU reached {accuracy[UuObjective.RobustUu]:0.000}");
        Assert.True(accuracy[UuObjective.Pn] < accuracy[UuObjective.Uu], $"PN {accuracy[UuObjective.Pn]:0.000} vs UU {accuracy[UuObjective.Uu]:0.000}");
        Assert.True(accuracy[UuObjective.Uu] <= accuracy[UuObjective.RobustUu], $"UU {accuracy[UuObjective.Uu]:0.000} vs robust {accuracy[UuObjective.RobustUu]:0.000}");
        Assert.True(accuracy[UuObjective.Pn] < 0.93, $"PN on noisy labels reached {accuracy[UuObjective.Pn]:0.000}");
    }

    [Fact]
    public async Task RefineStreamingAsync_OverRounds_AccuracyRisesFlipsShrinkPriorsSeparate()
    {
        var data = SyntheticData.TwoGaussians(1000, 50, 0.5, 0.3, 0.4, seed: 1);
        var refiner = new IterativeRefiner(Estimator(), MlpOptions(UuObjective.RobustUu, 1));
        var updates = new List<RefinementUpdate>();
        await foreach (var u in refiner.RefineStreamingAsync(data.Features, data.Noisy, Sample(data, 50, 1)))
        {
            updates.Add(u);
        }
        using var result = updates[^1].Result!;
        Assert.Equal(5, updates.Count);
        Assert.All(updates.Take(4), u => Assert.Null(u.Result));
        var acc = updates.Select(u => data.Accuracy(u.Labels)).ToArray();
        Assert.True(acc[^1] > acc[0], $"accuracy per round: {string.Join(", ", acc)}");
        Assert.True(acc[0] > data.Accuracy(data.Noisy), "the first round must improve on the initial labels");
        var flips = updates.Select(u => u.Report.Flips).ToArray();
        Assert.True(flips[^1] < flips[1] && flips[1] < flips[0], $"flips per round: {string.Join(", ", flips)}");
        var first = updates[0].Report.Priors.Priors;
        var last = updates[^1].Report.Priors.Priors;
        Assert.True(last.ThetaP > first.ThetaP + 0.1, $"thetaP {first.ThetaP} -> {last.ThetaP}");
        Assert.True(last.ThetaN < first.ThetaN - 0.1, $"thetaN {first.ThetaN} -> {last.ThetaN}");
    }

    [Fact]
    public async Task RefineAsync_SameSeedTwice_IdenticalLabelsAndScoresBitForBit()
    {
        var data = SyntheticData.TwoGaussians(600, 20, 0.4, 0.2, 0.3, seed: 3);
        var options = new IterativeRefinerOptions { MaxRounds = 3, Trainer = new UuTrainerOptions { Seed = 7, Scorer = ScorerArchitecture.Mlp(new[] { 32 }, 0.2) } };
        using var a = await new IterativeRefiner(Estimator(), options).RefineAsync(data.Features, data.Noisy, Sample(data, 50, 3));
        using var b = await new IterativeRefiner(Estimator(), options).RefineAsync(data.Features, data.Noisy, Sample(data, 50, 3));
        Assert.Equal(a.Labels, b.Labels);
        Assert.Equal(a.Scores.Select(BitConverter.SingleToInt32Bits), b.Scores.Select(BitConverter.SingleToInt32Bits));
        options.Trainer.Seed = 8;
        using var c = await new IterativeRefiner(Estimator(), options).RefineAsync(data.Features, data.Noisy, Sample(data, 50, 3));
        Assert.NotEqual(a.Scores.Select(BitConverter.SingleToInt32Bits), c.Scores.Select(BitConverter.SingleToInt32Bits));
    }

    [Fact]
    public async Task RefineAsync_GoldOutsideSamplePermuted_EveryRefinedLabelUnchanged()
    {
        var data = SyntheticData.TwoGaussians(800, 20, 0.5, 0.25, 0.35, seed: 4);
        var sample = Sample(data, 50, 4);
        var options = new IterativeRefinerOptions { MaxRounds = 3 };
        using var original = await new IterativeRefiner(Estimator(), options).RefineAsync(data.Features, data.Noisy, sample);

        // Permute the gold labels of every item outside the sample; the sample keeps its own labels.
        var inSample = new HashSet<int>(sample.Indices);
        var outside = Enumerable.Range(0, data.Gold.Length).Where(i => !inSample.Contains(i)).ToArray();
        var rng = new Random(99);
        var permutedGold = (bool[])data.Gold.Clone();
        var shuffled = outside.OrderBy(_ => rng.Next()).ToArray();
        for (int k = 0; k < outside.Length; k++)
        {
            permutedGold[outside[k]] = data.Gold[shuffled[k]];
        }
        Assert.NotEqual(data.Gold, permutedGold);
        var sampleFromPermuted = new LabeledSample(sample.Indices, sample.Indices.Select(i => permutedGold[i]).ToArray());
        using var again = await new IterativeRefiner(Estimator(), options).RefineAsync(data.Features, data.Noisy, sampleFromPermuted);

        Assert.Equal(original.Labels, again.Labels);
        Assert.Equal(original.ChosenRound, again.ChosenRound);
        // Posteriors and estimates agree to float precision (libtorch's threaded reductions may round differently
        // between two runs on a loaded machine; gold outside the sample cannot reach them at all).
        Assert.All(original.Posteriors.Zip(again.Posteriors), p => Assert.Equal(p.First, p.Second, 1e-4));
        Assert.Equal(original.EstimatedAccuracy.Value, again.EstimatedAccuracy.Value, 1e-4);
        Assert.Equal(original.InitialEstimatedAccuracy.Value, again.InitialEstimatedAccuracy.Value, 1e-4);
        Assert.All(original.Rounds.Zip(again.Rounds), r =>
        {
            Assert.Equal(r.First.Assessment.Gain, r.Second.Assessment.Gain, 1e-4);
            Assert.Equal(r.First.Assessment.Eligible, r.Second.Assessment.Eligible);
            Assert.Equal(r.First.ConfidentFlipsAssessment.Eligible, r.Second.ConfidentFlipsAssessment.Eligible);
        });
    }

    [Fact]
    public async Task RefineAsync_AbstainedItems_LeftOutOfFirstRoundAndLabeledByItsScorer()
    {
        var data = SyntheticData.TwoGaussians(600, 20, 0.5, 0.1, 0.1, seed: 5, abstain: 0.3);
        int abstained = data.Noisy.Count(l => l == PseudoLabel.Abstained);
        Assert.InRange(abstained, 120, 240);
        var estimator = new CallbackPriorEstimator((_, labels, s) => new FewLabelPriorEstimator().Estimate(labels, s));
        using var result = await new IterativeRefiner(estimator, new IterativeRefinerOptions { MaxRounds = 1, CrossFitFolds = 1 })
            .RefineAsync(data.Features, data.Noisy, Sample(data, 50, 5));
        var round1 = result.Rounds[0];
        Assert.Equal(abstained, round1.NewlyLabeled);
        Assert.Equal(600 - abstained, round1.Training.TrainingItems + round1.Training.HeldOutItems);
        Assert.Equal(600 - abstained, round1.Priors.Counts.CorpusSize);
        Assert.DoesNotContain(PseudoLabel.Abstained, result.Labels);
        Assert.All(result.Decisions.Where(d => d.Initial == PseudoLabel.Abstained), d => Assert.True(d.Changed));
        Assert.True(data.Accuracy(result.Labels) > 0.9);
    }

    [Fact]
    public async Task RefineAsync_PriorsIndistinguishableInLaterRound_StopsAndKeepsLastGoodRound()
    {
        var data = SyntheticData.TwoGaussians(400, 10, 0.5, 0.2, 0.2, seed: 6);
        var estimator = new CallbackPriorEstimator((call, labels, s) => call >= 3
            ? throw new InvalidOperationException("thetaP and thetaN are not distinguishable.")
            : new FewLabelPriorEstimator().Estimate(labels, s));
        using var result = await new IterativeRefiner(estimator, new IterativeRefinerOptions { Selection = RoundSelection.Last, FlipTolerance = 0 })
            .RefineAsync(data.Features, data.Noisy, Sample(data, 50, 6));
        Assert.Equal(RefinementStopReason.PriorsIndistinguishable, result.StopReason);
        Assert.Equal(2, result.Rounds.Count);
        Assert.Equal(2, result.ChosenRound);
        Assert.Contains("not distinguishable", result.StopDetail);
    }

    [Fact]
    public async Task RefineAsync_PriorsIndistinguishableInFirstRound_Throws()
    {
        var data = SyntheticData.TwoGaussians(200, 5, 0.5, 0.2, 0.2, seed: 6);
        var estimator = new CallbackPriorEstimator((_, _, _) => throw new InvalidOperationException("indistinguishable"));
        await Assert.ThrowsAsync<InvalidOperationException>(() => new IterativeRefiner(estimator).RefineAsync(data.Features, data.Noisy, Sample(data, 50, 6)));
    }

    [Fact]
    [Trait("Category", "Slow")]
    public async Task RefineAsync_FeaturesWithoutSignal_KeepsTheInitialLabels()
    {
        // Labels from a good labeler (10 % noise) but features unrelated to the class: no round can beat the labeler.
        var informative = SyntheticData.TwoGaussians(800, 16, 0.5, 0.1, 0.1, seed: 13);
        var noise = SyntheticData.TwoGaussians(800, 16, 0.5, 0, 0, seed: 14, separation: 0);
        var sample = LabeledSample.DrawUniform(informative.Gold, 50, 13);
        var outside = Enumerable.Range(0, 800).Except(sample.Indices).ToArray();
        double Accuracy(IReadOnlyList<PseudoLabel> labels) => outside.Average(i => (labels[i] == PseudoLabel.Positive) == informative.Gold[i] ? 1.0 : 0.0);

        var options = new IterativeRefinerOptions { MaxRounds = 2, Relabeling = RelabelingRule.Sign };
        using var kept = await new IterativeRefiner(Estimator(), options).RefineAsync(noise.Features, informative.Noisy, sample);
        Assert.Equal(0, kept.ChosenRound);
        Assert.All(outside, i => Assert.Equal(informative.Noisy[i], kept.Labels[i]));
        Assert.Contains("Kept the initial labels", kept.SelectionDetail);
        Assert.All(kept.Rounds, r => Assert.False(r.Assessment.Eligible || r.ConfidentFlipsAssessment.Eligible));

        // The paper's behaviour (last round, sign labels) makes them much worse.
        options.Selection = RoundSelection.Last;
        using var last = await new IterativeRefiner(Estimator(), options).RefineAsync(noise.Features, informative.Noisy, sample);
        Assert.Equal(last.Rounds.Count, last.ChosenRound);
        Assert.True(Accuracy(last.Labels) < Accuracy(kept.Labels) - 0.1, $"without signal the last round is much worse: {Accuracy(last.Labels)} vs {Accuracy(kept.Labels)}");

        // The posterior rule gives an uninformative score a near-zero weight, so even the last round keeps the labeler's answers.
        options.Relabeling = RelabelingRule.Posterior;
        using var posterior = await new IterativeRefiner(Estimator(), options).RefineAsync(noise.Features, informative.Noisy, sample);
        Assert.True(Accuracy(posterior.Labels) > Accuracy(informative.Noisy) - 0.02, $"posterior labels {Accuracy(posterior.Labels)} vs initial {Accuracy(informative.Noisy)}");
    }

    [Fact]
    [Trait("Category", "Slow")]
    public async Task RefineAsync_CrossFitted_ScoresDoNotMemoriseTheirOwnLabels()
    {
        // Random labels on random features in more dimensions than items: an in-sample scorer memorises each item's
        // label, an out-of-fold scorer cannot, so its sign agrees with the item's own label only by chance.
        var rng = new Random(21);
        int n = 300, d = 400;
        var features = Enumerable.Range(0, n).Select(_ => (ReadOnlyMemory<float>)Enumerable.Range(0, d).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray()).ToArray();
        var gold = Enumerable.Range(0, n).Select(_ => rng.NextDouble() < 0.5).ToArray();
        var labels = gold.Select(g => (rng.NextDouble() < 0.8 ? g : !g) ? PseudoLabel.Positive : PseudoLabel.Negative).ToArray();
        var sample = LabeledSample.DrawUniform(gold, 50, 21);
        double OwnLabelAgreement(IReadOnlyList<float> scores) => Enumerable.Range(0, n).Average(i => (scores[i] > 0) == (labels[i] == PseudoLabel.Positive) ? 1.0 : 0.0);
        var options = new IterativeRefinerOptions
        {
            MaxRounds = 1, Selection = RoundSelection.Last, Relabeling = RelabelingRule.Sign,
            Trainer = new UuTrainerOptions { Objective = UuObjective.Pn, Epochs = 60, LearningRate = 0.05, WeightDecay = 0, HoldoutFraction = 0 },
        };

        options.CrossFitFolds = 1;
        using var inSample = await new IterativeRefiner(Estimator(), options).RefineAsync(features, labels, sample);
        options.CrossFitFolds = 5;
        using var crossFitted = await new IterativeRefiner(Estimator(), options).RefineAsync(features, labels, sample);

        Assert.True(OwnLabelAgreement(inSample.Scores) > 0.95, $"in-sample agreement {OwnLabelAgreement(inSample.Scores)}");
        Assert.InRange(OwnLabelAgreement(crossFitted.Scores), 0.38, 0.62);
    }

    [Fact]
    public async Task RefineStreamingAsync_ReturnsTheChosenCandidateWhole_EachRoundYieldedOnce()
    {
        var data = SyntheticData.TwoGaussians(600, 10, 0.5, 0.25, 0.35, seed: 22);
        var sample = Sample(data, 50, 22);
        var updates = new List<RefinementUpdate>();
        await foreach (var u in new IterativeRefiner(Estimator(), new IterativeRefinerOptions { MaxRounds = 3, FlipTolerance = 0 })
            .RefineStreamingAsync(data.Features, data.Noisy, sample))
        {
            updates.Add(u);
        }
        using var result = updates[^1].Result!;
        Assert.Equal([1, 2, 3], updates.Select(u => u.Report.Round));
        Assert.Equal(updates.Select(u => u.Report), result.Rounds);
        Assert.True(result.ChosenRound > 0, result.SelectionDetail);
        var chosen = updates[result.ChosenRound - 1];
        var inSample = new HashSet<int>(sample.Indices);
        for (int i = 0; i < data.Gold.Length; i++)
        {
            var d = result.Decisions[i];
            Assert.Equal(inSample.Contains(i), d.InLabeledSample);
            var expected = inSample.Contains(i) ? (data.Gold[i] ? PseudoLabel.Positive : PseudoLabel.Negative)
                : result.ConfidentFlipsOnly ? CandidateSelector.Relabel(result.Posteriors[i], data.Noisy[i], 0.9) : chosen.Labels[i];
            Assert.Equal(expected, result.Labels[i]);
            if (!result.ConfidentFlipsOnly || inSample.Contains(i))
            {
                Assert.Equal(result.Labels[i] == PseudoLabel.Positive, result.Posteriors[i] > 0.5);
            }
            Assert.Equal(d.Initial != d.Refined, d.Changed);
        }
        Assert.Equal(result.Decisions.Count(d => d.Changed), result.ChangedCount);
        var assessment = result.ConfidentFlipsOnly ? chosen.Report.ConfidentFlipsAssessment : chosen.Report.Assessment;
        Assert.Equal(assessment.Accuracy, result.EstimatedAccuracy);
        Assert.Equal(assessment.InitialAccuracy, result.InitialEstimatedAccuracy);
        Assert.True(assessment.Eligible);

        // The review list: every item outside the sample, least certain first.
        Assert.Equal(600 - 50, result.ReviewList.Count);
        Assert.DoesNotContain(result.ReviewList, d => d.InLabeledSample);
        Assert.True(result.ReviewList.Zip(result.ReviewList.Skip(1)).All(p => p.First.Confidence <= p.Second.Confidence));
    }

    [Fact]
    public async Task RefineAsync_NoisyLabelsAndInformativeFeatures_EstimatedAccuracyCoversTheTruth()
    {
        var data = SyntheticData.TwoGaussians(1000, 20, 0.5, 0.25, 0.3, seed: 23, separation: 3.0);
        var sample = Sample(data, 50, 23);
        using var result = await new IterativeRefiner(Estimator(), new IterativeRefinerOptions { MaxRounds = 3 }).RefineAsync(data.Features, data.Noisy, sample);
        var outside = Enumerable.Range(0, 1000).Except(sample.Indices).ToArray();
        double accuracy = outside.Average(i => (result.Labels[i] == PseudoLabel.Positive) == data.Gold[i] ? 1.0 : 0.0);
        double initial = outside.Average(i => (data.Noisy[i] == PseudoLabel.Positive) == data.Gold[i] ? 1.0 : 0.0);
        Assert.True(result.ChosenRound > 0, result.SelectionDetail);
        Assert.True(accuracy > initial + 0.15, $"returned {accuracy} vs initial {initial}");
        Assert.True(result.EstimatedAccuracy.Interval.Contains(accuracy), $"true accuracy {accuracy} outside {result.EstimatedAccuracy}");
        Assert.True(result.InitialEstimatedAccuracy.Interval.Contains(initial), $"true initial accuracy {initial} outside {result.InitialEstimatedAccuracy}");
    }

    [Fact]
    public async Task RefineAsync_FewFlips_StopsAsConverged()
    {
        var data = SyntheticData.TwoGaussians(500, 10, 0.5, 0.05, 0.05, seed: 8);
        using var result = await new IterativeRefiner(Estimator(), new IterativeRefinerOptions { MaxRounds = 10, FlipTolerance = 0.05 })
            .RefineAsync(data.Features, data.Noisy, Sample(data, 50, 8));
        Assert.Equal(RefinementStopReason.Converged, result.StopReason);
        Assert.True(result.Rounds.Count < 10);
        Assert.True((double)result.Rounds[^1].Flips / 500 < 0.05);
    }

    [Fact]
    public async Task RefineAsync_CancelledDuringSecondRound_ThrowsAndLeavesNoLiveTensors()
    {
        var data = SyntheticData.TwoGaussians(600, 20, 0.5, 0.2, 0.3, seed: 9);
        var sample = Sample(data, 50, 9);
        using var cts = new CancellationTokenSource();
        var estimator = new CallbackPriorEstimator((call, labels, s) =>
        {
            if (call == 2)
            {
                cts.Cancel();
            }
            return new FewLabelPriorEstimator().Estimate(labels, s);
        });
        // Round 1 trains 5 fold scorers; the estimate for round 2 cancels, so round 2 never starts.
        long residue = ModuleResidue(ScorerArchitecture.Linear(), 20, count: 5);
        long before = Tensor.TotalCount;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new IterativeRefiner(estimator).RefineAsync(data.Features, data.Noisy, sample, cts.Token));
        Assert.Equal(2, estimator.Calls);
        Assert.Equal(before + residue, Tensor.TotalCount);
    }

    [Fact]
    public async Task RefineAsync_ManyRounds_LeavesNoLiveTensorsAfterDispose()
    {
        var data = SyntheticData.TwoGaussians(500, 16, 0.5, 0.2, 0.3, seed: 10);
        var sample = Sample(data, 50, 10);
        var refiner = new IterativeRefiner(Estimator(), new IterativeRefinerOptions { FlipTolerance = 0, Trainer = new UuTrainerOptions { Epochs = 5 } });
        // Warm up once so lazily created native state is not counted. The loop runs on thread-pool threads, so the
        // process-wide count of live tensor handles is compared (dispose-scope statistics are per thread; the trainer's
        // own test checks those).
        (await refiner.RefineAsync(data.Features, data.Noisy, sample)).Dispose();
        // Each run builds a module per fold scorer of each of 5 rounds (to initialise the stacked model), and two for the
        // returned classifier (one to initialise its training, one to hold the result).
        long residue = ModuleResidue(ScorerArchitecture.Linear(), 16, count: 3 * (5 * 5 + 2));
        long before = Tensor.TotalCount;
        for (int i = 0; i < 3; i++)
        {
            using var result = await refiner.RefineAsync(data.Features, data.Noisy, sample);
            Assert.True(Tensor.TotalCount > before, "a live result holds its classifier's parameters");
        }
        Assert.Equal(before + residue, Tensor.TotalCount);
    }

    /// <summary>The tensor handles TorchSharp itself leaves behind when constructing and disposing <paramref name="count"/> scorers.</summary>
    private static long ModuleResidue(ScorerArchitecture architecture, int dimension, int count)
    {
        long start = Tensor.TotalCount;
        for (int i = 0; i < count; i++)
        {
            architecture.Create(dimension).Dispose();
        }
        return Tensor.TotalCount - start;
    }

    [Fact]
    public void RefineStreamingAsync_BadInputs_ThrowBeforeAnyRound()
    {
        var data = SyntheticData.TwoGaussians(100, 4, 0.5, 0.1, 0.1, seed: 11);
        var sample = Sample(data, 20, 11);
        var refiner = new IterativeRefiner(Estimator());

        var shortLabels = data.Noisy.Take(99).ToArray();
        var ex = Assert.Throws<ArgumentException>(() => refiner.RefineStreamingAsync(data.Features, shortLabels, sample));
        Assert.Contains("100 feature rows but 99", ex.Message);

        var withNaN = data.Features.ToArray();
        var row = withNaN[17].ToArray();
        row[2] = float.NaN;
        withNaN[17] = row;
        var nan = Assert.Throws<ArgumentException>(() => refiner.RefineStreamingAsync(withNaN, data.Noisy, sample));
        Assert.Contains("Item 17", nan.Message);

        var ragged = data.Features.ToArray();
        ragged[5] = new float[3];
        Assert.Contains("Item 5 has 3 features", Assert.Throws<ArgumentException>(() => refiner.RefineStreamingAsync(ragged, data.Noisy, sample)).Message);

        var outOfRange = new LabeledSample(new[] { 3, 100 }, new[] { true, false });
        Assert.Contains("100", Assert.Throws<ArgumentOutOfRangeException>(() => refiner.RefineStreamingAsync(data.Features, data.Noisy, outOfRange)).Message);

        var allPositive = Enumerable.Repeat(PseudoLabel.Positive, 100).ToArray();
        Assert.Contains("both classes", Assert.Throws<InvalidOperationException>(() => refiner.RefineStreamingAsync(data.Features, allPositive, sample)).Message);

        var undefined = data.Noisy.ToArray();
        undefined[3] = (PseudoLabel)5;
        Assert.Contains("Item 3", Assert.Throws<ArgumentException>(() => refiner.RefineStreamingAsync(data.Features, undefined, sample)).Message);

        Assert.Throws<ArgumentNullException>(() => refiner.RefineStreamingAsync(null!, data.Noisy, sample));
    }

    [Fact]
    public void RefineStreamingAsync_UnavailableCudaDevice_FailsAtOnceWithInstructions()
    {
        Assert.False(torch.cuda.is_available(), "this test assumes a CPU-only TorchSharp backend");
        var data = SyntheticData.TwoGaussians(100, 4, 0.5, 0.1, 0.1, seed: 12);
        var refiner = new IterativeRefiner(Estimator(), new IterativeRefinerOptions { Trainer = new UuTrainerOptions { Device = "cuda" } });
        var ex = Assert.Throws<InvalidOperationException>(() => refiner.RefineStreamingAsync(data.Features, data.Noisy, Sample(data, 20, 12)));
        Assert.Contains("CUDA is not available", ex.Message);
        Assert.Contains("docs/platform-requirements.md", ex.Message);
    }

}
