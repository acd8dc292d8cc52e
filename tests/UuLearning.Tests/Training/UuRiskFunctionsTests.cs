using TorchSharp;
using static TorchSharp.torch;

namespace UuLearning.Tests.Training;

[Collection(TorchCollection.Name)]
public class UuRiskFunctionsTests
{
    private static readonly double[] Scores = { 0.5, -1.2, 2.0, 0.3, -0.7, 1.1, -2.3 };
    private static readonly bool[] Up = { true, true, false, false, true, false, true };
    private const double ThetaP = 0.8, ThetaN = 0.3, Pi = 0.55;

    private static double Eval(Func<Tensor, Tensor, Tensor> f, double[] g, bool[] up)
    {
        using var scope = NewDisposeScope();
        return f(tensor(g, ScalarType.Float64), tensor(up)).item<double>();
    }

    [Theory]
    [InlineData(SurrogateLoss.Sigmoid)]
    [InlineData(SurrogateLoss.Logistic)]
    public void UuRisk_HandMadeInput_MatchesClosedForm(SurrogateLoss s)
    {
        var priors = new ClassPriors(ThetaP, ThetaN, Pi);
        double actual = Eval((g, m) => UuRiskFunctions.UuRisk(g, m, priors, s), Scores, Up);
        Assert.Equal(RiskReference.Uu(Scores, Up, ThetaP, ThetaN, Pi, s), actual, 12);
    }

    [Theory]
    [InlineData(SurrogateLoss.Sigmoid)]
    [InlineData(SurrogateLoss.Logistic)]
    public void RobustUuRisk_HandMadeInput_MatchesClosedForm(SurrogateLoss s)
    {
        var priors = new ClassPriors(ThetaP, ThetaN, Pi);
        double actual = Eval((g, m) => UuRiskFunctions.RobustUuRisk(g, m, priors, -0.001, s), Scores, Up);
        Assert.Equal(RiskReference.RobustUu(Scores, Up, ThetaP, ThetaN, Pi, -0.001, s), actual, 12);
    }

    [Theory]
    [InlineData(SurrogateLoss.Sigmoid)]
    [InlineData(SurrogateLoss.Logistic)]
    public void PnRisk_HandMadeInput_MatchesClosedForm(SurrogateLoss s)
    {
        double actual = Eval((g, m) => UuRiskFunctions.PnRisk(g, m, Pi, s), Scores, Up);
        Assert.Equal(RiskReference.Pn(Scores, Up, Pi, s), actual, 12);
    }

    [Fact]
    public void SigmoidRisks_SmallExample_MatchNumbersWorkedByHand()
    {
        // g = [0, ln 3] in U_p, [-ln 3] in U_n; sigmoid loss: l(0) = 1/2, l(ln 3) = 1/4, l(-ln 3) = 3/4.
        // R_p+ = (1/2 + 1/4)/2 = 3/8, R_p- = (1/2 + 3/4)/2 = 5/8, R_n+ = 3/4, R_n- = 1/4.
        // thetaP = 0.75, thetaN = 0.25, pi = 0.5: D = 1/2, a = d = 0.75, b = c = 0.25.
        // UU = 0.75*3/8 - 0.25*5/8 - 0.25*3/4 + 0.75*1/4 = 0.28125 - 0.15625 - 0.1875 + 0.1875 = 0.125.
        // PN = 0.5*3/8 + 0.5*1/4 = 0.3125.
        double[] g = { 0, Math.Log(3), -Math.Log(3) };
        bool[] up = { true, true, false };
        var priors = new ClassPriors(0.75, 0.25, 0.5);
        Assert.Equal(0.125, Eval((x, m) => UuRiskFunctions.UuRisk(x, m, priors), g, up), 12);
        Assert.Equal(0.3125, Eval((x, m) => UuRiskFunctions.PnRisk(x, m, 0.5), g, up), 12);
        // Brackets: 0.75*3/8 - 0.25*3/4 = 0.09375 >= 0; 0.75*1/4 - 0.25*5/8 = 0.03125 >= 0: robust = UU.
        Assert.Equal(0.125, Eval((x, m) => UuRiskFunctions.RobustUuRisk(x, m, priors), g, up), 12);
    }

    [Theory]
    [InlineData(SurrogateLoss.Sigmoid, 0.3)]
    [InlineData(SurrogateLoss.Logistic, 0.7)]
    public void UuAndRobustUu_CleanPriors_EqualPnRiskExactly(SurrogateLoss s, double pi)
    {
        var priors = new ClassPriors(1.0, 0.0, pi);
        double pn = RiskReference.Pn(Scores, Up, pi, s);
        Assert.Equal(pn, Eval((g, m) => UuRiskFunctions.UuRisk(g, m, priors, s), Scores, Up), 14);
        Assert.Equal(pn, Eval((g, m) => UuRiskFunctions.RobustUuRisk(g, m, priors, -0.001, s), Scores, Up), 14);
        Assert.Equal(pn, Eval((g, m) => UuRiskFunctions.PnRisk(g, m, pi, s), Scores, Up), 14);
    }

    [Fact]
    public void RobustUuRisk_BothBracketsPositive_EqualsUnbiased()
    {
        var priors = new ClassPriors(ThetaP, ThetaN, Pi);
        var (p, n) = RiskReference.Brackets(Scores, Up, ThetaP, ThetaN, Pi, SurrogateLoss.Sigmoid);
        Assert.True(p > 0 && n > 0, "test input must have both brackets positive");
        Assert.Equal(
            Eval((g, m) => UuRiskFunctions.UuRisk(g, m, priors), Scores, Up),
            Eval((g, m) => UuRiskFunctions.RobustUuRisk(g, m, priors), Scores, Up), 14);
    }

    [Fact]
    public void RobustUuRisk_NegativeBracket_ContributesLambdaTimesBracket()
    {
        // U_p scored strongly positive and U_n strongly negative with a noisy thetaP: a R_p+ - c R_n+ goes negative.
        double[] g = { 6, 5, 7, -6, -5 };
        bool[] up = { true, true, true, false, false };
        const double tp = 0.6, tn = 0.1, pi = 0.45, lambda = -0.25;
        var (p, n) = RiskReference.Brackets(g, up, tp, tn, pi, SurrogateLoss.Sigmoid);
        Assert.True(p < 0, $"positive bracket should be negative, was {p}");
        Assert.True(n < 0, $"negative bracket should be negative, was {n}");
        double expected = lambda * p + lambda * n;
        var priors = new ClassPriors(tp, tn, pi);
        Assert.Equal(expected, Eval((x, m) => UuRiskFunctions.RobustUuRisk(x, m, priors, lambda), g, up), 12);
        Assert.True(expected > 0, "f turns a negative bracket into a positive penalty");
    }

    [Theory]
    [InlineData(SurrogateLoss.Sigmoid, "robust")]
    [InlineData(SurrogateLoss.Logistic, "robust")]
    [InlineData(SurrogateLoss.Sigmoid, "uu")]
    [InlineData(SurrogateLoss.Logistic, "pn")]
    public void Gradient_WithRespectToScores_MatchesCentralDifferences(SurrogateLoss s, string kind)
    {
        // Include scores that put a robust bracket below zero, so the lambda branch is differentiated too.
        double[] g = { 3.1, 2.4, -0.4, -2.2, 0.9, -3.5, 4.0 };
        bool[] up = { true, true, false, false, true, false, true };
        var priors = new ClassPriors(0.7, 0.2, 0.45);
        Func<double[], double> reference = kind switch
        {
            "robust" => x => RiskReference.RobustUu(x, up, 0.7, 0.2, 0.45, -0.05, s),
            "uu" => x => RiskReference.Uu(x, up, 0.7, 0.2, 0.45, s),
            _ => x => RiskReference.Pn(x, up, 0.45, s),
        };
        using var scope = NewDisposeScope();
        var scores = tensor(g, ScalarType.Float64).requires_grad_();
        var mask = tensor(up);
        var risk = kind switch
        {
            "robust" => UuRiskFunctions.RobustUuRisk(scores, mask, priors, -0.05, s),
            "uu" => UuRiskFunctions.UuRisk(scores, mask, priors, s),
            _ => UuRiskFunctions.PnRisk(scores, mask, 0.45, s),
        };
        risk.backward();
        var grad = scores.grad!.data<double>().ToArray();
        const double h = 1e-6;
        for (int i = 0; i < g.Length; i++)
        {
            var plus = (double[])g.Clone();
            var minus = (double[])g.Clone();
            plus[i] += h;
            minus[i] -= h;
            double fd = (reference(plus) - reference(minus)) / (2 * h);
            Assert.Equal(fd, grad[i], 7);
        }
    }

    [Fact]
    public void UuRisk_FixedScorerOverManyDraws_IsUnbiasedForCleanRisk()
    {
        // Classes: x ~ N(+1, 1) for positives, N(-1, 1) for negatives; fixed scorer g(x) = 1.5 x - 0.2.
        // U_p: 200 items, each positive with probability thetaP; U_n: 200 items, each positive with probability thetaN.
        const double tp = 0.75, tn = 0.3, pi = 0.4;
        const int draws = 2000, n = 200;
        static double G(double x) => 1.5 * x - 0.2;
        // Clean risk pi E+[l(g)] + (1 - pi) E-[l(-g)] by trapezoid integration over the two Gaussians.
        double cleanRisk = pi * Integrate(x => RiskReference.Surrogate(G(x), SurrogateLoss.Sigmoid), 1)
                           + (1 - pi) * Integrate(x => RiskReference.Surrogate(-G(x), SurrogateLoss.Sigmoid), -1);
        var priors = new ClassPriors(tp, tn, pi);
        var rng = new Random(12345);
        double sum = 0, sumSq = 0;
        var g = new double[2 * n];
        var up = new bool[2 * n];
        for (int d = 0; d < draws; d++)
        {
            for (int i = 0; i < 2 * n; i++)
            {
                bool inUp = i < n;
                bool positive = rng.NextDouble() < (inUp ? tp : tn);
                g[i] = G((positive ? 1 : -1) + Normal(rng));
                up[i] = inUp;
            }
            double r = Eval((x, m) => UuRiskFunctions.UuRisk(x, m, priors), g, up);
            sum += r;
            sumSq += r * r;
        }
        double mean = sum / draws;
        double se = Math.Sqrt((sumSq / draws - mean * mean) / draws);
        // Tolerance: 4 standard errors of the Monte-Carlo mean (about 0.004 here), a band that fails for a biased risk.
        Assert.InRange(mean - cleanRisk, -4 * se, 4 * se);
        Assert.True(se < 0.002, $"standard error {se} too large for the test to mean anything");
    }

    [Fact]
    public void UuRisk_BatchWithOnlyPseudoPositives_CountsOnlyThatSetsTerms()
    {
        double[] g = { 0.4, -0.3, 1.2 };
        bool[] up = { true, true, true };
        var priors = new ClassPriors(ThetaP, ThetaN, Pi);
        var (rpPos, rpNeg, _, _) = RiskReference.PartialRisks(g, up, SurrogateLoss.Sigmoid);
        var (a, b, _, _) = RiskReference.Coefficients(ThetaP, ThetaN, Pi);
        double actual = Eval((x, m) => UuRiskFunctions.UuRisk(x, m, priors), g, up);
        Assert.Equal(a * rpPos - b * rpNeg, actual, 12);
        Assert.False(double.IsNaN(actual));
    }

    [Fact]
    public void Risks_NumericMask_SameAsBooleanMask()
    {
        var priors = new ClassPriors(ThetaP, ThetaN, Pi);
        using var scope = NewDisposeScope();
        var g = tensor(Scores, ScalarType.Float64);
        var boolMask = tensor(Up);
        var intMask = tensor(Up.Select(b => b ? 1L : 0L).ToArray());
        var floatMask = tensor(Up.Select(b => b ? 1f : 0f).ToArray());
        double expected = UuRiskFunctions.RobustUuRisk(g, boolMask, priors).item<double>();
        Assert.Equal(expected, UuRiskFunctions.RobustUuRisk(g, intMask, priors).item<double>(), 14);
        Assert.Equal(expected, UuRiskFunctions.RobustUuRisk(g, floatMask, priors).item<double>(), 14);
    }

    [Fact]
    public void Risks_Float32Scores_ReturnFloat32CloseToFloat64()
    {
        var priors = new ClassPriors(ThetaP, ThetaN, Pi);
        using var scope = NewDisposeScope();
        var r = UuRiskFunctions.RobustUuRisk(tensor(Scores.Select(x => (float)x).ToArray()), tensor(Up), priors);
        Assert.Equal(ScalarType.Float32, r.dtype);
        Assert.Equal(RiskReference.RobustUu(Scores, Up, ThetaP, ThetaN, Pi, -0.001, SurrogateLoss.Sigmoid), r.item<float>(), 5);
    }

    [Fact]
    public void Risks_MismatchedShapes_ThrowQuotingBothShapes()
    {
        var priors = new ClassPriors(ThetaP, ThetaN, Pi);
        using var scope = NewDisposeScope();
        var ex = Assert.Throws<ArgumentException>(() => UuRiskFunctions.UuRisk(zeros(4), zeros(new long[] { 5 }, ScalarType.Bool), priors));
        Assert.Contains("[4]", ex.Message);
        Assert.Contains("[5]", ex.Message);
        var ex2 = Assert.Throws<ArgumentException>(() => UuRiskFunctions.RobustUuRisk(zeros(4, 1), zeros(new long[] { 4, 1 }, ScalarType.Bool), priors));
        Assert.Contains("[4, 1]", ex2.Message);
    }

    [Fact]
    public void Risks_IntegerScores_ThrowNamingDtype()
    {
        var priors = new ClassPriors(ThetaP, ThetaN, Pi);
        using var scope = NewDisposeScope();
        var ex = Assert.Throws<ArgumentException>(() => UuRiskFunctions.UuRisk(tensor(new long[] { 1, 2 }), tensor(new[] { true, false }), priors));
        Assert.Equal("scores", ex.ParamName);
        Assert.Contains("Int64", ex.Message);
    }

    [Fact]
    public void Risks_ComplexMask_Throws()
    {
        var priors = new ClassPriors(ThetaP, ThetaN, Pi);
        using var scope = NewDisposeScope();
        var ex = Assert.Throws<ArgumentException>(() => UuRiskFunctions.UuRisk(zeros(2), zeros(new long[] { 2 }, ScalarType.ComplexFloat32), priors));
        Assert.Equal("isPseudoPositive", ex.ParamName);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.5)]
    [InlineData(double.NaN)]
    [InlineData(double.NegativeInfinity)]
    public void RobustUuRisk_InvalidLambda_Throws(double lambda)
    {
        var priors = new ClassPriors(ThetaP, ThetaN, Pi);
        using var scope = NewDisposeScope();
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => UuRiskFunctions.RobustUuRisk(zeros(2), tensor(new[] { true, false }), priors, lambda));
        Assert.Equal("lambda", ex.ParamName);
    }

    [Fact]
    public void PnRisk_InvalidPi_Throws()
    {
        using var scope = NewDisposeScope();
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => UuRiskFunctions.PnRisk(zeros(2), tensor(new[] { true, false }), 1.5));
        Assert.Equal("pi", ex.ParamName);
    }

    [Fact]
    public void Risks_ManyEvaluations_LeaveNoLiveTensors()
    {
        var priors = new ClassPriors(ThetaP, ThetaN, Pi);
        using var g = tensor(Scores, ScalarType.Float64, requires_grad: true);
        using var m = tensor(Up);
        using var loss = new RobustUuLoss(priors);
        DisposeScopeManager.Statistics.Reset();
        for (int i = 0; i < 200; i++)
        {
            using var scope = NewDisposeScope();
            var r = loss.call(g, m) + UuRiskFunctions.UuRisk(g, m, priors) + UuRiskFunctions.PnRisk(g, m, Pi);
            r.backward();
            g.grad!.zero_();
        }
        Assert.Equal(0, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        Assert.True(DisposeScopeManager.Statistics.CreatedInScopeCount > 0, "the statistics must have seen the tensors");
    }

    private static double Normal(Random rng)
    {
        double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    private static double Integrate(Func<double, double> f, double mean)
    {
        const int steps = 20000;
        double lo = mean - 10, hi = mean + 10, h = (hi - lo) / steps, sum = 0;
        for (int i = 0; i <= steps; i++)
        {
            double x = lo + i * h;
            double w = (i == 0 || i == steps) ? 0.5 : 1;
            sum += w * f(x) * Math.Exp(-0.5 * (x - mean) * (x - mean)) / Math.Sqrt(2 * Math.PI);
        }
        return sum * h;
    }
}
