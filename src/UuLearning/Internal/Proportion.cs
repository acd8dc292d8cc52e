namespace UuLearning.Internal;

/// <summary>Wilson score interval for a binomial proportion (used for sample agreement).</summary>
internal static class Proportion
{
    public static ConfidenceInterval Wilson(int successes, int trials, double level)
    {
        if (trials <= 0)
        {
            return new ConfidenceInterval(0, 1, level);
        }
        double z = MathNet.Numerics.Distributions.Normal.InvCDF(0, 1, 0.5 + level / 2);
        double p = (double)successes / trials;
        double z2 = z * z;
        double denom = 1 + z2 / trials;
        double centre = (p + z2 / (2 * trials)) / denom;
        double half = z * Math.Sqrt(p * (1 - p) / trials + z2 / (4.0 * trials * trials)) / denom;
        return new ConfidenceInterval(Math.Max(0, centre - half), Math.Min(1, centre + half), level);
    }
}
