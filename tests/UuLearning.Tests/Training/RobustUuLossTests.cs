using static TorchSharp.torch;

namespace UuLearning.Tests.Training;

[Collection(TorchCollection.Name)]
public class RobustUuLossTests
{
    [Fact]
    public void Call_SameAsFunctionalForm()
    {
        var priors = new ClassPriors(0.9, 0.15, 0.4);
        using var scope = NewDisposeScope();
        var g = tensor(new[] { 0.3, -1.0, 2.0, -0.2 });
        var m = tensor(new[] { true, false, true, false });
        using var module = new RobustUuLoss(priors, -0.01, SurrogateLoss.Logistic);
        Assert.Equal(
            UuRiskFunctions.RobustUuRisk(g, m, priors, -0.01, SurrogateLoss.Logistic).item<double>(),
            module.call(g, m).item<double>(), 15);
        using var uu = new UuLoss(priors);
        Assert.Equal(UuRiskFunctions.UuRisk(g, m, priors).item<double>(), uu.call(g, m).item<double>(), 15);
        using var pn = new PnLoss(0.4);
        Assert.Equal(UuRiskFunctions.PnRisk(g, m, 0.4).item<double>(), pn.call(g, m).item<double>(), 15);
    }

    [Fact]
    public void Constructor_InvalidArguments_Throw()
    {
        var priors = new ClassPriors(0.9, 0.15, 0.4);
        Assert.Equal("priors", Assert.Throws<ArgumentNullException>(() => new RobustUuLoss(null!)).ParamName);
        Assert.Equal("lambda", Assert.Throws<ArgumentOutOfRangeException>(() => new RobustUuLoss(priors, 0.1)).ParamName);
        Assert.Equal("surrogate", Assert.Throws<ArgumentOutOfRangeException>(() => new RobustUuLoss(priors, -0.001, (SurrogateLoss)7)).ParamName);
        Assert.Equal("pi", Assert.Throws<ArgumentOutOfRangeException>(() => new PnLoss(-0.1)).ParamName);
        Assert.Equal("priors", Assert.Throws<ArgumentNullException>(() => new UuLoss(null!)).ParamName);
    }
}
