namespace UuLearning.Tests.Training;

/// <summary>
/// An independent plain-double implementation of METHOD.md's formulas, used as the expected value in loss tests.
/// </summary>
internal static class RiskReference
{
    public static double Surrogate(double z, SurrogateLoss s) =>
        s == SurrogateLoss.Sigmoid ? 1.0 / (1.0 + Math.Exp(z)) : Math.Log(1.0 + Math.Exp(-z));

    public static (double RpPos, double RpNeg, double RnPos, double RnNeg) PartialRisks(double[] g, bool[] up, SurrogateLoss s)
    {
        double rpPos = 0, rpNeg = 0, rnPos = 0, rnNeg = 0;
        int np = 0, nn = 0;
        for (int i = 0; i < g.Length; i++)
        {
            if (up[i])
            {
                rpPos += Surrogate(g[i], s);
                rpNeg += Surrogate(-g[i], s);
                np++;
            }
            else
            {
                rnPos += Surrogate(g[i], s);
                rnNeg += Surrogate(-g[i], s);
                nn++;
            }
        }
        return (np == 0 ? 0 : rpPos / np, np == 0 ? 0 : rpNeg / np, nn == 0 ? 0 : rnPos / nn, nn == 0 ? 0 : rnNeg / nn);
    }

    public static (double A, double B, double C, double D) Coefficients(double thetaP, double thetaN, double pi)
    {
        double d = thetaP - thetaN;
        return (pi * (1 - thetaN) / d, (1 - pi) * thetaN / d, pi * (1 - thetaP) / d, (1 - pi) * thetaP / d);
    }

    public static double Uu(double[] g, bool[] up, double thetaP, double thetaN, double pi, SurrogateLoss s)
    {
        var (rpPos, rpNeg, rnPos, rnNeg) = PartialRisks(g, up, s);
        var (a, b, c, d) = Coefficients(thetaP, thetaN, pi);
        return a * rpPos - b * rpNeg - c * rnPos + d * rnNeg;
    }

    public static (double Positive, double Negative) Brackets(double[] g, bool[] up, double thetaP, double thetaN, double pi, SurrogateLoss s)
    {
        var (rpPos, rpNeg, rnPos, rnNeg) = PartialRisks(g, up, s);
        var (a, b, c, d) = Coefficients(thetaP, thetaN, pi);
        return (a * rpPos - c * rnPos, d * rnNeg - b * rpNeg);
    }

    public static double RobustUu(double[] g, bool[] up, double thetaP, double thetaN, double pi, double lambda, SurrogateLoss s)
    {
        var (p, n) = Brackets(g, up, thetaP, thetaN, pi, s);
        return (p >= 0 ? p : lambda * p) + (n >= 0 ? n : lambda * n);
    }

    public static double Pn(double[] g, bool[] up, double pi, SurrogateLoss s)
    {
        var (rpPos, _, _, rnNeg) = PartialRisks(g, up, s);
        return pi * rpPos + (1 - pi) * rnNeg;
    }
}
