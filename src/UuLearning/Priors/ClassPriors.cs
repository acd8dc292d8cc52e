using System.Globalization;

namespace UuLearning;

/// <summary>
/// The class priors robust UU learning needs: <c>thetaP</c> = P(y = +1 | pseudo-label = +1), <c>thetaN</c> =
/// P(y = +1 | pseudo-label = -1) and <c>pi</c> = P(y = +1), with the risk coefficients a, b, c, d derived from them.
/// </summary>
/// <remarks>
/// <para>With <c>D = thetaP - thetaN</c>: <c>a = pi (1 - thetaN) / D</c>, <c>b = (1 - pi) thetaN / D</c>,
/// <c>c = pi (1 - thetaP) / D</c>, <c>d = (1 - pi) thetaP / D</c>. The weights grow like <c>1 / D</c>, so
/// <c>D</c> must be at least <see cref="MinimumMargin"/>: below it the two pseudo-labeled sets are too alike for UU
/// learning and the problem is refused rather than trained.</para>
/// <para>Because <c>pi = rho thetaP + (1 - rho) thetaN</c> for the pseudo-positive share <c>rho</c>, <c>pi</c> must lie
/// between <c>thetaN</c> and <c>thetaP</c>.</para>
/// <para>Immutable and thread-safe.</para>
/// </remarks>
public sealed record ClassPriors
{
    /// <summary>The smallest accepted <c>thetaP - thetaN</c> (0.05). Below it the risk weights exceed 20 times the class shares.</summary>
    public const double MinimumMargin = 0.05;

    /// <summary>Creates validated class priors.</summary>
    /// <param name="thetaP">Share of true positives among pseudo-positive items, in [0, 1].</param>
    /// <param name="thetaN">Share of true positives among pseudo-negative items, in [0, 1].</param>
    /// <param name="pi">Positive class prior of the corpus, in [thetaN, thetaP].</param>
    /// <exception cref="ArgumentOutOfRangeException">A value is outside [0, 1] or not finite, <c>thetaP - thetaN</c> is
    /// below <see cref="MinimumMargin"/>, or <paramref name="pi"/> is not between <paramref name="thetaN"/> and <paramref name="thetaP"/>.</exception>
    public ClassPriors(double thetaP, double thetaN, double pi)
    {
        CheckUnit(thetaP, nameof(thetaP));
        CheckUnit(thetaN, nameof(thetaN));
        CheckUnit(pi, nameof(pi));
        if (thetaP - thetaN < MinimumMargin)
        {
            throw new ArgumentOutOfRangeException(nameof(thetaP), thetaP, string.Create(CultureInfo.InvariantCulture,
                $"thetaP ({thetaP:0.####}) must exceed thetaN ({thetaN:0.####}) by at least {MinimumMargin}: the two pseudo-labeled sets are too alike for UU learning. Use a better initial labeler or check the labels' polarity."));
        }
        const double tolerance = 1e-9;
        if (pi < thetaN - tolerance || pi > thetaP + tolerance)
        {
            throw new ArgumentOutOfRangeException(nameof(pi), pi, string.Create(CultureInfo.InvariantCulture,
                $"pi ({pi:0.####}) must lie between thetaN ({thetaN:0.####}) and thetaP ({thetaP:0.####}), since pi = rho * thetaP + (1 - rho) * thetaN."));
        }

        ThetaP = thetaP;
        ThetaN = thetaN;
        Pi = pi;
    }

    /// <summary>P(y = +1 | pseudo-label = +1).</summary>
    public double ThetaP { get; }

    /// <summary>P(y = +1 | pseudo-label = -1).</summary>
    public double ThetaN { get; }

    /// <summary>P(y = +1), the positive class prior.</summary>
    public double Pi { get; }

    /// <summary><c>thetaP - thetaN</c>.</summary>
    public double Margin => ThetaP - ThetaN;

    /// <summary>Weight of <c>R_p^+</c> (pseudo-positive items scored as positive): <c>pi (1 - thetaN) / D</c>.</summary>
    public double A => Pi * (1 - ThetaN) / Margin;

    /// <summary>Weight of <c>R_p^-</c> (pseudo-positive items scored as negative, subtracted): <c>(1 - pi) thetaN / D</c>.</summary>
    public double B => (1 - Pi) * ThetaN / Margin;

    /// <summary>Weight of <c>R_n^+</c> (pseudo-negative items scored as positive, subtracted): <c>pi (1 - thetaP) / D</c>.</summary>
    public double C => Pi * (1 - ThetaP) / Margin;

    /// <summary>Weight of <c>R_n^-</c> (pseudo-negative items scored as negative): <c>(1 - pi) thetaP / D</c>.</summary>
    public double D => (1 - Pi) * ThetaP / Margin;

    /// <summary>Priors of the clean (supervised) problem: thetaP = 1, thetaN = 0, with the given positive prior.</summary>
    /// <param name="pi">Positive class prior, in [0, 1].</param>
    /// <returns>Priors for which the UU risks equal the PN risk.</returns>
    public static ClassPriors Supervised(double pi) => new(1.0, 0.0, pi);

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"thetaP = {ThetaP:0.####}, thetaN = {ThetaN:0.####}, pi = {Pi:0.####}");

    private static void CheckUnit(double value, string name)
    {
        if (!double.IsFinite(value) || value < 0 || value > 1)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be a probability in [0, 1].");
        }
    }
}
