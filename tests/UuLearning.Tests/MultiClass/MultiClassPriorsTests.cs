namespace UuLearning.Tests.MultiClass;

public class MultiClassPriorsTests
{
    [Fact]
    public void FromBinary_ConditionNumberIsInverseMargin_ForSymmetricNoise()
    {
        var priors = MultiClassPriors.FromBinary(new ClassPriors(0.8, 0.2, 0.5));
        // Theta = [[0.8, 0.2], [0.2, 0.8]]: singular values 1 and 0.6.
        Assert.Equal(1 / 0.6, priors.ConditionNumber, 10);
        Assert.Equal(0.6, priors.SmallestSingularValue, 10);
        var w = priors.InverseTheta();
        // The binary risk coefficients: W[1, 1] = (1 - thetaN) / D, W[1, 0] = -(1 - thetaP) / D.
        Assert.Equal(0.8 / 0.6, w[1, 1], 10);
        Assert.Equal(-0.2 / 0.6, w[1, 0], 10);
    }

    [Fact]
    public void Constructor_InvalidInput_Throws()
    {
        Assert.Equal("theta", Assert.Throws<ArgumentException>(() => new MultiClassPriors(new double[1, 1] { { 1 } }, new[] { 1.0 })).ParamName);
        Assert.Equal("theta", Assert.Throws<ArgumentException>(() => new MultiClassPriors(new[,] { { 0.5, 0.4 }, { 0.2, 0.8 } }, new[] { 0.5, 0.5 })).ParamName);
        Assert.Equal("pi", Assert.Throws<ArgumentException>(() => new MultiClassPriors(new[,] { { 0.6, 0.4 }, { 0.2, 0.8 } }, new[] { 0.5, 0.6 })).ParamName);
        Assert.Equal("pi", Assert.Throws<ArgumentException>(() => new MultiClassPriors(new[,] { { 0.6, 0.4 }, { 0.2, 0.8 } }, new[] { 1.0 })).ParamName);
        Assert.Equal("theta", Assert.Throws<ArgumentOutOfRangeException>(() => new MultiClassPriors(new[,] { { 1.2, -0.2 }, { 0.2, 0.8 } }, new[] { 0.5, 0.5 })).ParamName);
        // Identical rows: singular.
        Assert.Equal("theta", Assert.Throws<ArgumentException>(() => new MultiClassPriors(new[,] { { 0.6, 0.4 }, { 0.6, 0.4 } }, new[] { 0.6, 0.4 })).ParamName);
    }
}
