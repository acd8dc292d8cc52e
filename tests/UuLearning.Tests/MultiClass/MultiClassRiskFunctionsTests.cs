using TorchSharp;
using static TorchSharp.torch;

namespace UuLearning.Tests.MultiClass;

[Collection(TorchCollection.Name)]
public class MultiClassRiskFunctionsTests
{
    private static readonly double[] Scores = { 0.5, -1.2, 2.0, 0.3, -0.7, 1.1, -2.3 };
    private static readonly bool[] Up = { true, true, false, false, true, false, true };

    private static readonly double[,] Logits3 =
    {
        { 0.2, -0.5, 1.0 }, { 1.5, 0.1, -0.3 }, { -0.8, 0.9, 0.4 }, { 0.0, 0.0, 2.2 }, { -1.1, 0.6, -0.2 }, { 0.7, -0.9, 0.3 },
    };
    private static readonly long[] Sets3 = { 0, 0, 1, 2, 1, 2 };
    private static readonly double[,] Theta3 = { { 0.7, 0.2, 0.1 }, { 0.15, 0.75, 0.1 }, { 0.3, 0.2, 0.5 } };
    private static readonly double[] Pi3 = { 0.4, 0.35, 0.25 };

    [Theory]
    [InlineData(SurrogateLoss.Sigmoid, true)]
    [InlineData(SurrogateLoss.Logistic, true)]
    [InlineData(SurrogateLoss.Sigmoid, false)]
    [InlineData(SurrogateLoss.Logistic, false)]
    public void TwoClasses_EqualBinaryRisks(SurrogateLoss surrogate, bool robust)
    {
        // Overfitted-looking priors so that a bracket goes negative and the leaky correction is exercised.
        foreach (var binary in new[] { new ClassPriors(0.8, 0.3, 0.55), new ClassPriors(0.95, 0.05, 0.5), new ClassPriors(0.6, 0.4, 0.45) })
        {
            var priors = MultiClassPriors.FromBinary(binary);
            using var scope = NewDisposeScope();
            var g = tensor(Scores, ScalarType.Float64);
            // Two-class softmax with logit difference f_1 - f_0 = g (split unevenly: only the difference may matter).
            var logits = stack(new[] { -0.3 * g + 0.7, 0.7 * g + 0.7 }, 1);
            var sets = tensor(Up.Select(u => u ? 1L : 0L).ToArray());
            var mask = tensor(Up);
            double expected = robust
                ? UuRiskFunctions.RobustUuRisk(g, mask, binary, -0.01, surrogate).item<double>()
                : UuRiskFunctions.UuRisk(g, mask, binary, surrogate).item<double>();
            double actual = robust
                ? MultiClassRiskFunctions.RobustUuRisk(logits, sets, priors, -0.01, surrogate).item<double>()
                : MultiClassRiskFunctions.UuRisk(logits, sets, priors, surrogate).item<double>();
            Assert.Equal(expected, actual, 12);
            double pn = UuRiskFunctions.PnRisk(g, mask, binary.Pi, surrogate).item<double>();
            Assert.Equal(pn, MultiClassRiskFunctions.PnRisk(logits, sets, new[] { 1 - binary.Pi, binary.Pi }, surrogate).item<double>(), 12);
        }
    }

    [Fact]
    public void TwoClasses_ModuleEqualsRobustUuLoss()
    {
        var binary = new ClassPriors(0.9, 0.15, 0.4);
        using var scope = NewDisposeScope();
        var g = tensor(Scores, ScalarType.Float64);
        var logits = stack(new[] { zeros_like(g), g }, 1);
        using var binaryLoss = new RobustUuLoss(binary, -0.001, SurrogateLoss.Sigmoid);
        using var loss = new MultiClassRobustUuLoss(MultiClassPriors.FromBinary(binary), -0.001, SurrogateLoss.Sigmoid);
        Assert.Equal(binaryLoss.call(g, tensor(Up)).item<double>(), loss.call(logits, tensor(Up.Select(u => u ? 1L : 0L).ToArray())).item<double>(), 12);
    }

    /// <summary>The risks written out with loops over sets, classes and items, independently of the tensor code.</summary>
    private static (double Uu, double Robust, double Pn) Reference(double[,] logits, long[] sets, double[,] theta, double[] pi, SurrogateLoss s, double lambda)
    {
        int b = logits.GetLength(0), k = pi.Length;
        var w = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.DenseOfArray(theta).Inverse();
        double L(int item, int j)
        {
            double max = Enumerable.Range(0, k).Max(c => logits[item, c]);
            double z = Enumerable.Range(0, k).Sum(c => Math.Exp(logits[item, c] - max));
            double p = Math.Exp(logits[item, j] - max) / z;
            return s == SurrogateLoss.Logistic ? -Math.Log(p) : 1 - p;
        }
        double R(int set, int j)
        {
            var members = Enumerable.Range(0, b).Where(t => sets[t] == set).ToArray();
            return members.Length == 0 ? 0 : members.Average(t => L(t, j));
        }
        double uu = 0, robust = 0, pn = 0;
        for (int j = 0; j < k; j++)
        {
            double partial = 0;
            for (int i = 0; i < k; i++)
            {
                partial += w[j, i] * R(i, j);
            }
            partial *= pi[j];
            uu += partial;
            robust += partial >= 0 ? partial : lambda * partial;
            pn += pi[j] * R(j, j);
        }
        return (uu, robust, pn);
    }

    [Theory]
    [InlineData(SurrogateLoss.Sigmoid)]
    [InlineData(SurrogateLoss.Logistic)]
    public void ThreeClasses_MatchLoopReference(SurrogateLoss s)
    {
        var priors = new MultiClassPriors(Theta3, Pi3);
        var (uu, robust, pn) = Reference(Logits3, Sets3, Theta3, Pi3, s, -0.01);
        using var scope = NewDisposeScope();
        var logits = tensor(Logits3);
        var sets = tensor(Sets3);
        Assert.Equal(uu, MultiClassRiskFunctions.UuRisk(logits, sets, priors, s).item<double>(), 12);
        Assert.Equal(robust, MultiClassRiskFunctions.RobustUuRisk(logits, sets, priors, -0.01, s).item<double>(), 12);
        Assert.Equal(pn, MultiClassRiskFunctions.PnRisk(logits, sets, Pi3, s).item<double>(), 12);
        // f(x) >= x, so the robust risk is never below the unbiased one; with cross-entropy a class's estimate is negative
        // here and the correction acts.
        Assert.True(robust >= uu);
        if (s == SurrogateLoss.Logistic)
        {
            Assert.True(robust > uu + 1e-3);
        }
    }

    [Fact]
    public void UuRisk_IdentityTheta_EqualsPn()
    {
        using var scope = NewDisposeScope();
        var logits = tensor(Logits3);
        var sets = tensor(Sets3);
        Assert.Equal(
            MultiClassRiskFunctions.PnRisk(logits, sets, Pi3).item<double>(),
            MultiClassRiskFunctions.UuRisk(logits, sets, MultiClassPriors.Supervised(Pi3)).item<double>(), 12);
    }

    [Theory]
    [InlineData(SurrogateLoss.Sigmoid)]
    [InlineData(SurrogateLoss.Logistic)]
    public void RobustUuRisk_Gradient_MatchesFiniteDifferences(SurrogateLoss s)
    {
        var priors = new MultiClassPriors(Theta3, Pi3);
        using var scope = NewDisposeScope();
        var logits = tensor(Logits3).requires_grad_(true);
        var sets = tensor(Sets3);
        var risk = MultiClassRiskFunctions.RobustUuRisk(logits, sets, priors, -0.01, s);
        risk.backward();
        var grad = logits.grad!.data<double>().ToArray();
        const double h = 1e-6;
        int b = Logits3.GetLength(0), k = Pi3.Length;
        for (int t = 0; t < b; t++)
        {
            for (int j = 0; j < k; j++)
            {
                var plus = (double[,])Logits3.Clone();
                var minus = (double[,])Logits3.Clone();
                plus[t, j] += h;
                minus[t, j] -= h;
                double numeric = (Reference(plus, Sets3, Theta3, Pi3, s, -0.01).Robust - Reference(minus, Sets3, Theta3, Pi3, s, -0.01).Robust) / (2 * h);
                Assert.Equal(numeric, grad[t * k + j], 6);
            }
        }
    }

    [Fact]
    public void RobustUuRisk_BadInputs_Throw()
    {
        var priors = new MultiClassPriors(Theta3, Pi3);
        using var scope = NewDisposeScope();
        var logits = tensor(Logits3);
        Assert.Equal("pseudoClass", Assert.Throws<ArgumentException>(() => MultiClassRiskFunctions.RobustUuRisk(logits, tensor(new long[] { 0, 1 }), priors)).ParamName);
        Assert.Equal("pseudoClass", Assert.Throws<ArgumentException>(() => MultiClassRiskFunctions.RobustUuRisk(logits, tensor(new[] { 0.0, 1, 2, 0, 1, 2 }), priors)).ParamName);
        Assert.Equal("lambda", Assert.Throws<ArgumentOutOfRangeException>(() => MultiClassRiskFunctions.RobustUuRisk(logits, tensor(Sets3), priors, 0.5)).ParamName);
        Assert.Equal("priors", Assert.Throws<ArgumentNullException>(() => new MultiClassRobustUuLoss(null!)).ParamName);
    }
}
