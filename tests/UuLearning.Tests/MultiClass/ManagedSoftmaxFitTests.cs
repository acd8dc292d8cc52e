using TorchSharp;
using UuLearning.Internal;
using UuLearning.Tests.TestDoubles;
using static TorchSharp.torch;

namespace UuLearning.Tests.MultiClass;

/// <summary>
/// The K-class linear head on the CPU trains in managed code with the risk's gradient in closed form. These tests hold
/// it to TorchSharp's autograd through the public risk functions (every objective and surrogate, dense and sparse rows,
/// batches where a class's partial risk goes negative), and the managed training to TorchSharp training the same module.
/// </summary>
[Collection(TorchCollection.Name)]
public class ManagedSoftmaxFitTests
{
    private static readonly double[,] Transition = { { 0.6, 0.3, 0.1 }, { 0.15, 0.7, 0.15 }, { 0.25, 0.15, 0.6 } };

    [Theory]
    [MemberData(nameof(UuLearning.Tests.Training.ManagedLinearFitsTests.Variants), MemberType = typeof(UuLearning.Tests.Training.ManagedLinearFitsTests))]
    public void RiskAndGradient_EqualAutograd(UuObjective objective, SurrogateLoss surrogate, bool sparse)
    {
        const int K = 3;
        int d = sparse ? 40 : 6;
        var data = MultiClassSyntheticData.Draw(300, d, Transition, seed: 11, separation: 2.0);
        var rng = new Random(12);
        var features = sparse
            ? data.Features.Select(row => (ReadOnlyMemory<float>)row.ToArray().Select(v => rng.NextDouble() < 0.1 ? v : 0f).ToArray()).ToArray()
            : data.Features.ToArray();
        var priors = new MultiClassPriors(Transition, new[] { 0.3, 0.45, 0.25 });
        var options = new UuTrainerOptions { Objective = objective, Surrogate = surrogate, Lambda = -0.3 };
        using var x = FeatureMatrix.ToTensor(features, d, CPU);
        var rows = ManagedRows.From(x, sparse ? 0.5 : 0.0);
        Assert.Equal(sparse, rows.RowStart is not null);
        torch.manual_seed(5);
        using var module = nn.Sequential(("output", nn.Linear(d, K)));
        var fit = ManagedSoftmaxFit.Create(rows, data.Noisy, module, priors, options);
        int negative = 0;
        for (int trial = 0; trial < 40; trial++)
        {
            var p = fit.Parameters;
            double scale = (sparse ? 3 : 1) * (0.1 + (3 * rng.NextDouble()));
            for (int j = 0; j < p.Length; j++)
            {
                p[j] = (float)(scale * ((2 * rng.NextDouble()) - 1));
            }
            var items = Enumerable.Range(0, 3 + rng.Next(40)).Select(_ => (long)rng.Next(300)).ToArray();
            var gradient = new float[p.Length];
            double risk = fit.RiskAndGradient(items, gradient);

            using var scope = NewDisposeScope();
            var weight = torch.tensor(p.AsSpan(0, K * d).ToArray(), new long[] { K, d }, ScalarType.Float64).requires_grad_(true);
            var bias = torch.tensor(p.AsSpan(K * d, K).ToArray(), ScalarType.Float64).requires_grad_(true);
            var logits = x.index_select(0, torch.tensor(items)).to(ScalarType.Float64).matmul(weight.t()).add(bias);
            var sets = torch.tensor(items.Select(i => (long)data.Noisy[(int)i]).ToArray());
            var expected = objective switch
            {
                UuObjective.RobustUu => MultiClassRiskFunctions.RobustUuRisk(logits, sets, priors, options.Lambda, surrogate),
                UuObjective.Uu => MultiClassRiskFunctions.UuRisk(logits, sets, priors, surrogate),
                _ => MultiClassRiskFunctions.PnRisk(logits, sets, priors.Pi, surrogate),
            };
            if (objective == UuObjective.RobustUu &&
                Math.Abs(expected.item<double>() - MultiClassRiskFunctions.UuRisk(logits, sets, priors, surrogate).item<double>()) > 1e-9)
            {
                negative++;
            }
            expected.backward();
            var expectedGradient = weight.grad!.data<double>().ToArray().Concat(bias.grad!.data<double>().ToArray()).ToArray();

            // Float32 row products: logits up to about 10 carry 1e-6 of rounding.
            Assert.True(Math.Abs(expected.item<double>() - risk) < 1e-5 * Math.Max(1, Math.Abs(risk)), $"trial {trial}: autograd {expected.item<double>()}, managed {risk}");
            double norm = Math.Max(1e-3, Math.Sqrt(expectedGradient.Sum(g => g * g)));
            for (int j = 0; j < p.Length; j++)
            {
                Assert.True(Math.Abs(expectedGradient[j] - gradient[j]) < (1e-4 * norm) + 1e-6,
                    $"trial {trial}, component {j}: autograd {expectedGradient[j]}, managed {gradient[j]}");
            }
        }
        if (objective == UuObjective.RobustUu)
        {
            Assert.True(negative >= 3, $"the trials should exercise the negative slope ({negative} did)");
        }
    }

    [Theory]
    [InlineData(SurrogateLoss.Sigmoid)]
    [InlineData(SurrogateLoss.Logistic)]
    public void Train_Managed_MatchesTorchSharpTrainingOfTheSameModule(SurrogateLoss surrogate)
    {
        var data = MultiClassSyntheticData.Draw(400, 8, Transition, seed: 13, separation: 2.5);
        var priors = new MultiClassPriors(Transition, new[] { 0.3, 0.45, 0.25 });
        var options = new UuTrainerOptions { Seed = 4, Epochs = 6, BatchSize = 32, Surrogate = surrogate };
        using var x = FeatureMatrix.ToTensor(data.Features, 8, CPU);
        var managed = new MultiClassTrainer(options);
        var reference = new MultiClassTrainer(options) { ManagedEnabled = false };
        using var a = managed.Train(x, data.Noisy, priors, round: 2, CancellationToken.None, fit: 1);
        using var b = reference.Train(x, data.Noisy, priors, round: 2, CancellationToken.None, fit: 1);
        var pa = MultiClassTrainer.LogProbabilities(a, x);
        var pb = MultiClassTrainer.LogProbabilities(b, x);
        double worst = pa.Zip(pb, (u, v) => Math.Abs(u - v)).Max();
        Assert.True(worst < 2e-4, $"largest log-probability difference {worst}");
        // The refiner reads a managed fit's log-probabilities in managed code: the same as TorchSharp's to float rounding.
        var managedRead = managed.LogProbabilitiesOf(a, x);
        Assert.True(managedRead.Zip(pa, (u, v) => Math.Abs(u - v)).Max() < 1e-5);
        Assert.Equal(pb, reference.LogProbabilitiesOf(b, x)); // TorchSharp-trained: read by TorchSharp
        // Training moved the module away from its initial weights (so the comparison is not of two untrained modules).
        torch.manual_seed(UuTrainer.RoundSeed(options.Seed, 2 + 1000, stream: 2));
        using var initial = nn.Sequential(("output", nn.Linear(8, 3)));
        var p0 = MultiClassTrainer.LogProbabilities(initial, x);
        Assert.True(pa.Zip(p0, (u, v) => Math.Abs(u - v)).Max() > 0.05);
    }
}
