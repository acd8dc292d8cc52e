using MathNet.Numerics.Distributions;

namespace UuLearning;

/// <summary>Point estimates and Jeffreys intervals for a binomial proportion <c>k / n</c>.</summary>
/// <remarks>
/// <para>Point estimate: the unbiased maximum-likelihood share <c>k / n</c> when <c>0 &lt; k &lt; n</c>; at a zero count
/// (<c>k = 0</c> or <c>k = n</c>) the Jeffreys posterior mean <c>(k + 1/2) / (n + 1)</c>, so a proportion is never
/// estimated as exactly 0 or 1. Smoothing only the boundary keeps the bias far below that of smoothing every count
/// (which is <c>(1/2 - p) / (n + 1)</c>, above 0.01 for n = 35 and p = 0.05).</para>
/// <para>Interval: the equal-tailed Jeffreys interval, the <c>alpha/2</c> and <c>1 - alpha/2</c> quantiles of
/// <c>Beta(k + 1/2, n - k + 1/2)</c>, with the lower bound set to 0 when <c>k = 0</c> and the upper bound to 1 when
/// <c>k = n</c> (Brown, Cai and DasGupta, Statistical Science 2001).</para>
/// </remarks>
internal static class BinomialProportion
{
    /// <summary>The boundary-smoothed point estimate.</summary>
    public static double Point(int successes, int trials)
    {
        if (successes == 0 || successes == trials)
        {
            return (successes + 0.5) / (trials + 1.0);
        }
        return (double)successes / trials;
    }

    /// <summary>The Jeffreys interval at the given level.</summary>
    public static (double Lower, double Upper) Jeffreys(int successes, int trials, double level)
    {
        double alpha = 1 - level;
        double a = successes + 0.5;
        double b = trials - successes + 0.5;
        double lower = successes == 0 ? 0.0 : Beta.InvCDF(a, b, alpha / 2);
        double upper = successes == trials ? 1.0 : Beta.InvCDF(a, b, 1 - alpha / 2);
        return (lower, upper);
    }
}
