namespace UuLearning.Tests.Priors;

public class ClassPriorsTests
{
    [Fact]
    public void Coefficients_MatchMethodFormulas()
    {
        var p = new ClassPriors(0.8, 0.3, 0.55);
        // D = 0.5; a = 0.55*0.7/0.5, b = 0.45*0.3/0.5, c = 0.55*0.2/0.5, d = 0.45*0.8/0.5.
        Assert.Equal(0.77, p.A, 12);
        Assert.Equal(0.27, p.B, 12);
        Assert.Equal(0.22, p.C, 12);
        Assert.Equal(0.72, p.D, 12);
        Assert.Equal(0.5, p.Margin, 12);
    }

    [Fact]
    public void Supervised_GivesPnCoefficients()
    {
        var p = ClassPriors.Supervised(0.3);
        Assert.Equal(0.3, p.A, 12);
        Assert.Equal(0.0, p.B, 12);
        Assert.Equal(0.0, p.C, 12);
        Assert.Equal(0.7, p.D, 12);
    }

    [Theory]
    [InlineData(1.1, 0.2, 0.5, "thetaP")]
    [InlineData(-0.1, 0.2, 0.5, "thetaP")]
    [InlineData(double.NaN, 0.2, 0.5, "thetaP")]
    [InlineData(0.8, -0.2, 0.5, "thetaN")]
    [InlineData(0.8, 1.2, 0.5, "thetaN")]
    [InlineData(0.8, 0.2, 1.5, "pi")]
    [InlineData(0.8, 0.2, double.PositiveInfinity, "pi")]
    public void Constructor_ValueOutsideUnitInterval_ThrowsNamingParameter(double tp, double tn, double pi, string param)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new ClassPriors(tp, tn, pi));
        Assert.Equal(param, ex.ParamName);
    }

    [Theory]
    [InlineData(0.5, 0.5)]
    [InlineData(0.52, 0.49)]
    [InlineData(0.3, 0.7)]
    public void Constructor_MarginBelowMinimum_ThrowsWithValues(double tp, double tn)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new ClassPriors(tp, tn, (tp + tn) / 2));
        Assert.Equal("thetaP", ex.ParamName);
        Assert.Contains(tp.ToString(System.Globalization.CultureInfo.InvariantCulture), ex.Message);
        Assert.Contains("0.05", ex.Message);
    }

    [Theory]
    [InlineData(0.1)]
    [InlineData(0.95)]
    public void Constructor_PiOutsideThetaRange_Throws(double pi)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new ClassPriors(0.9, 0.2, pi));
        Assert.Equal("pi", ex.ParamName);
    }

    [Fact]
    public void Constructor_MarginExactlyMinimum_IsAccepted()
    {
        var p = new ClassPriors(0.55, 0.5, 0.52);
        Assert.Equal(0.05, p.Margin, 12);
    }
}
