using TorchSharp;
using UuLearning.Internal;
using UuLearning.Tests.TestDoubles;
using static TorchSharp.torch;

namespace UuLearning.Tests.Training;

/// <summary>
/// The managed linear engine computes the risk's gradient in closed form. These tests hold it to TorchSharp's autograd
/// through the public risk functions, for every objective and surrogate, on batches where the robust risk's brackets
/// go negative (lambda slope) as well as positive.
/// </summary>
[Collection(TorchCollection.Name)]
public class ManagedLinearFitsTests
{
    public static TheoryData<UuObjective, SurrogateLoss, bool> Variants()
    {
        var data = new TheoryData<UuObjective, SurrogateLoss, bool>();
        foreach (var objective in new[] { UuObjective.RobustUu, UuObjective.Uu, UuObjective.Pn })
        {
            foreach (var surrogate in new[] { SurrogateLoss.Sigmoid, SurrogateLoss.Logistic })
            {
                data.Add(objective, surrogate, false);
                data.Add(objective, surrogate, true);
            }
        }
        return data;
    }

    /// <summary>The features with all but about <paramref name="keep"/> of the entries set to zero (as hashed n-grams are).</summary>
    private static ReadOnlyMemory<float>[] Sparsify(IReadOnlyList<ReadOnlyMemory<float>> features, int seed, double keep = 0.125)
    {
        var rng = new Random(seed);
        return features.Select(row => (ReadOnlyMemory<float>)row.ToArray().Select(v => rng.NextDouble() < keep ? v : 0f).ToArray()).ToArray();
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void RiskAndGradient_EqualAutograd(UuObjective objective, SurrogateLoss surrogate, bool sparse)
    {
        int D = sparse ? 40 : 6;
        var data = SyntheticData.TwoGaussians(300, D, 0.5, 0.3, 0.2, seed: 41, separation: 3);
        var features = sparse ? Sparsify(data.Features, 45) : data.Features.ToArray();
        var priors = objective == UuObjective.Pn ? ClassPriors.Supervised(0.4) : new ClassPriors(0.75, 0.3, 0.45);
        var options = new UuTrainerOptions { Objective = objective, Surrogate = surrogate, Lambda = -0.3 };
        using var x = FeatureMatrix.ToTensor(features, D, CPU);
        // 1/8 non-zero: held sparse when the threshold allows it (forced here), dense by default.
        using var fits = ManagedLinearFits.Create(x, data.Noisy, new long[] { 7 }, priors, options, threads: 1, sparseDensity: sparse ? 0.5 : ManagedLinearFits.SparseDensity);
        Assert.Equal(sparse, fits.IsSparse);
        var rng = new Random(42);
        int negativeBrackets = 0;
        for (int trial = 0; trial < 40; trial++)
        {
            // Weights large enough that scores saturate and a batch's partial risks can make a bracket negative.
            var w = fits.Parameters(0);
            double scale = (sparse ? 3 : 1) * (0.1 + (3 * rng.NextDouble()));
            for (int j = 0; j < w.Length; j++)
            {
                w[j] = (float)(scale * ((2 * rng.NextDouble()) - 1));
            }
            var items = Enumerable.Range(0, 2 + rng.Next(40)).Select(_ => (long)rng.Next(300)).ToArray();
            var gradient = new float[D + 1];
            double risk = fits.RiskAndGradient(items, 0, gradient);

            using var scope = NewDisposeScope();
            var weight = torch.tensor(w.AsSpan(0, D).ToArray(), ScalarType.Float64).requires_grad_(true);
            var bias = torch.tensor(new double[] { w[D] }, ScalarType.Float64).requires_grad_(true);
            var rows = x.index_select(0, torch.tensor(items)).to(ScalarType.Float64);
            var scores = rows.matmul(weight).add(bias);
            var isPositive = torch.tensor(items.Select(i => data.Noisy[(int)i] == PseudoLabel.Positive).ToArray());
            var expected = objective switch
            {
                UuObjective.RobustUu => UuRiskFunctions.RobustUuRisk(scores, isPositive, priors, options.Lambda, surrogate),
                UuObjective.Uu => UuRiskFunctions.UuRisk(scores, isPositive, priors, surrogate),
                _ => UuRiskFunctions.PnRisk(scores, isPositive, priors.Pi, surrogate),
            };
            if (objective == UuObjective.RobustUu &&
                Math.Abs(expected.item<double>() - UuRiskFunctions.UuRisk(scores, isPositive, priors, surrogate).item<double>()) > 1e-9)
            {
                negativeBrackets++;
            }
            expected.backward();
            var expectedGradient = weight.grad!.data<double>().ToArray().Append(bias.grad!.item<double>()).ToArray();

            Assert.Equal(expected.item<double>(), risk, 5);
            double norm = Math.Max(1e-3, Math.Sqrt(expectedGradient.Sum(g => g * g)));
            for (int j = 0; j <= D; j++)
            {
                Assert.True(Math.Abs(expectedGradient[j] - gradient[j]) < 1e-4 * norm + 1e-6,
                    $"trial {trial}, component {j}: autograd {expectedGradient[j]}, managed {gradient[j]}");
            }
        }
        if (objective == UuObjective.RobustUu)
        {
            Assert.True(negativeBrackets >= 3, $"the trials should exercise the negative slope ({negativeBrackets} did)");
        }
    }

    [Fact]
    public void CrossFit_SparseRows_MatchTorchSharpTraining()
    {
        // Features with 2 % non-zeros (below the threshold) take the sparse row path by default; the same folds trained
        // by TorchSharp on the very same module must give the same out-of-fold scores.
        var data = SyntheticData.TwoGaussians(400, 1000, 0.5, 0.2, 0.3, seed: 46, separation: 8);
        var features = Sparsify(data.Features, 47, keep: 0.02);
        var fold = IterativeRefiner.AssignFolds(data.Noisy, 5, new Random(7));
        using var x = FeatureMatrix.ToTensor(features, 1000, CPU);
        using (var probe = ManagedLinearFits.Create(x, data.Noisy, new long[] { 1 }, new ClassPriors(0.75, 0.3, 0.5), new UuTrainerOptions(), 1))
        {
            Assert.True(probe.IsSparse);
        }
        var priors = new ClassPriors(0.75, 0.3, 0.5);
        var options = new UuTrainerOptions { Epochs = 5, BatchSize = 32, Threads = 1 };
        var torchOptions = options.Clone();
        torchOptions.Scorer = ScorerArchitecture.Custom(d => ScorerArchitecture.Linear().Create(d), "same module");
        var (managed, _) = new UuTrainer(options).CrossFit(x, data.Noisy, fold, 5, priors, 1, CancellationToken.None);
        var (reference, _) = new UuTrainer(torchOptions).CrossFit(x, data.Noisy, fold, 5, priors, 1, CancellationToken.None);
        Assert.True(managed.Select(Math.Abs).Average() > 0.05, "scores should not be trivially zero");
        Assert.True(Enumerable.Range(0, managed.Length).Max(i => Math.Abs(managed[i] - reference[i])) < 2e-4);
    }

    [Fact]
    public void Train_ManagedLinear_ThreadCountDoesNotChangeTheResult()
    {
        // Each fit runs sequentially on one thread whatever the degree of parallelism: bit-for-bit the same scores.
        var data = SyntheticData.TwoGaussians(500, 12, 0.5, 0.2, 0.3, seed: 43);
        var fold = IterativeRefiner.AssignFolds(data.Noisy, 5, new Random(6));
        using var x = FeatureMatrix.ToTensor(data.Features, 12, CPU);
        var priors = new ClassPriors(0.75, 0.3, 0.5);
        var (one, _) = new UuTrainer(new UuTrainerOptions { Epochs = 4, Threads = 1 }).CrossFit(x, data.Noisy, fold, 5, priors, 1, CancellationToken.None);
        var (three, _) = new UuTrainer(new UuTrainerOptions { Epochs = 4, Threads = 3 }).CrossFit(x, data.Noisy, fold, 5, priors, 1, CancellationToken.None);
        Assert.Equal(one, three);
    }

    [Fact]
    public void CrossFit_ManagedLinear_CancelledAfterTheFirstEpoch_ThrowsOperationCanceled()
    {
        // Cancelled from the trainer's own first epoch log line (no clock involved): the next epoch, whose folds run in
        // parallel, must stop with an OperationCanceledException (not one wrapped in an AggregateException), so no
        // second epoch line is logged.
        var data = SyntheticData.TwoGaussians(600, 8, 0.5, 0.2, 0.3, seed: 48);
        var fold = IterativeRefiner.AssignFolds(data.Noisy, 5, new Random(8));
        using var x = FeatureMatrix.ToTensor(data.Features, 8, CPU);
        using var cts = new CancellationTokenSource();
        var logger = new CancellingLogger(cts);
        var trainer = new UuTrainer(new UuTrainerOptions { Epochs = 50, Threads = 2 }, logger);
        var ex = Record.Exception(() => trainer.CrossFit(x, data.Noisy, fold, 5, new ClassPriors(0.75, 0.3, 0.5), 1, cts.Token));
        Assert.IsAssignableFrom<OperationCanceledException>(ex);
        Assert.Equal(1, logger.EpochLines);
    }

    private sealed class CancellingLogger(CancellationTokenSource cts) : Microsoft.Extensions.Logging.ILogger<UuTrainer>
    {
        public int EpochLines { get; private set; }

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

        public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (formatter(state, exception).Contains("epoch", StringComparison.Ordinal))
            {
                EpochLines++;
                cts.Cancel();
            }
        }
    }

    [Fact]
    public void Train_ManagedLinear_CancelledMidTraining_Throws()
    {
        var data = SyntheticData.TwoGaussians(2000, 8, 0.5, 0.2, 0.3, seed: 44);
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => new UuTrainer(new UuTrainerOptions { Epochs = 3 }).Train(data.Features, data.Noisy, new ClassPriors(0.75, 0.3, 0.5), cts.Token));
    }
}
