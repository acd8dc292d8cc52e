using System.Globalization;
using MathNet.Numerics.Distributions;
using MathNet.Numerics.Random;
using MathNet.Numerics.Statistics;

namespace UuLearning;

/// <summary>
/// The default prior estimator: uses <c>rho</c>, the pseudo-positive share of the whole corpus (known exactly), and the
/// few gold labels only for what they must supply, reading each <see cref="SampleDesign"/> correctly.
/// </summary>
/// <remarks>
/// <para><b>Uniform random sample.</b> <c>thetaP</c> is the share of gold positives among sample items pseudo-labeled +1,
/// <c>thetaN</c> the same among those pseudo-labeled -1, and <c>pi = rho thetaP + (1 - rho) thetaN</c> exactly.
/// Intervals: Jeffreys for <c>thetaP</c> and <c>thetaN</c>, and the MOVER combination of the two for <c>pi</c>.</para>
/// <para><b>Class-stratified sample.</b> The sample estimates <c>TPR = P(pseudo +1 | y = +1)</c> from its gold positives
/// and <c>FPR = P(pseudo +1 | y = -1)</c> from its gold negatives. Then, by Bayes with <c>rho</c>:
/// <c>thetaP = pi TPR / rho</c>, <c>thetaN = pi (1 - TPR) / (1 - rho)</c>. <c>pi</c> is taken from
/// <see cref="FewLabelPriorEstimatorOptions.KnownPi"/> when given, otherwise solved from <c>rho = pi TPR + (1 - pi) FPR</c>;
/// intervals come from a seeded parametric bootstrap over the Jeffreys posteriors of TPR and FPR.</para>
/// <para>Proportions are the unbiased shares <c>k / n</c>, except at a zero count, where the Jeffreys posterior mean
/// <c>(k + 1/2) / (n + 1)</c> is used so that no estimate is exactly 0 or 1. Items whose pseudo-label is abstained are
/// ignored, in the corpus and in the sample. The full derivation is in docs/priors.md.</para>
/// <para>Thread-safe and stateless: one instance may serve concurrent calls.</para>
/// </remarks>
public sealed class FewLabelPriorEstimator : IPriorEstimator
{
    private readonly double _level;
    private readonly double? _knownPi;
    private readonly int _draws;
    private readonly int _seed;

    /// <summary>Creates the estimator with default options (95 % intervals, <c>pi</c> solved for stratified samples).</summary>
    public FewLabelPriorEstimator()
        : this(new FewLabelPriorEstimatorOptions())
    {
    }

    /// <summary>Creates the estimator.</summary>
    /// <param name="options">The options; copied and validated here.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is outside its allowed range (the exception names it).</exception>
    public FewLabelPriorEstimator(FewLabelPriorEstimatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        UuLearning.DependencyInjection.FewLabelPriorEstimatorOptionsValidator.Instance.ThrowIfInvalid(options);

        _level = options.ConfidenceLevel;
        _knownPi = options.KnownPi;
        _draws = options.BootstrapDraws;
        _seed = options.BootstrapSeed;
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="pseudoLabels"/> or <paramref name="sample"/> is null.</exception>
    public PriorEstimate Estimate(IReadOnlyList<PseudoLabel> pseudoLabels, LabeledSample sample)
    {
        var tally = PriorTally.Count(pseudoLabels, sample);
        if (tally.SampleSize == 0)
        {
            throw new InvalidOperationException(
                $"None of the {sample.Count} labeled items has a pseudo-label (all abstained), so the sample says nothing about the pseudo-labeled sets. Label items that the labeler did not abstain on.");
        }
        if (tally.SampleGoldPositive == 0 || tally.SampleGoldNegative == 0)
        {
            string only = tally.SampleGoldPositive == 0 ? "negative" : "positive";
            throw new InvalidOperationException(
                $"All {tally.SampleSize} usable labeled items are gold {only}: a sample with one gold class cannot tell how the pseudo-labels relate to the classes. Label more items (about 50 drawn at random, or 25 of each class for a stratified sample).");
        }

        return sample.Design == SampleDesign.StratifiedByClass
            ? _knownPi is double pi ? EstimateStratifiedKnownPi(tally, pi) : EstimateStratifiedSolvedPi(tally)
            : EstimateUniform(tally);
    }

    private PriorEstimate EstimateUniform(PriorTally t)
    {
        int np = t.SamplePseudoPositive;
        int nn = t.SamplePseudoNegative;
        if (np == 0 || nn == 0)
        {
            string which = np == 0 ? "+1" : "-1";
            throw new InvalidOperationException(
                $"None of the {t.SampleSize} usable labeled items is pseudo-labeled {which}, so the share of positives in that pseudo-labeled set cannot be estimated. Label more items drawn at random from the corpus.");
        }

        double rho = t.Rho;
        double thetaP = BinomialProportion.Point(t.PseudoPositiveGoldPositive, np);
        double thetaN = BinomialProportion.Point(t.PseudoNegativeGoldPositive, nn);
        double pi = rho * thetaP + (1 - rho) * thetaN;

        var (lp, up) = BinomialProportion.Jeffreys(t.PseudoPositiveGoldPositive, np, _level);
        var (ln, un) = BinomialProportion.Jeffreys(t.PseudoNegativeGoldPositive, nn, _level);
        // MOVER (Zou and Donner 2008) for the positive combination rho thetaP + (1 - rho) thetaN.
        double piLower = pi - Math.Sqrt(Square(rho * (thetaP - lp)) + Square((1 - rho) * (thetaN - ln)));
        double piUpper = pi + Math.Sqrt(Square(rho * (up - thetaP)) + Square((1 - rho) * (un - thetaN)));

        return Build(t, thetaP, thetaN, pi,
            new ConfidenceInterval(lp, up, _level),
            new ConfidenceInterval(ln, un, _level),
            new ConfidenceInterval(Math.Max(0, piLower), Math.Min(1, piUpper), _level),
            "few-label, uniform random sample",
            "Label more items drawn at random or use a better initial labeler.");
    }

    private PriorEstimate EstimateStratifiedKnownPi(PriorTally t, double pi)
    {
        double rho = t.Rho;
        var (n1, n0, k1, k0, tpr, fpr, lt, ut, lf, uf) = ClassRates(t);

        // q = P(y = +1, pseudo = +1) has two unbiased estimates once pi and rho are known: pi TPR and rho - (1 - pi) FPR.
        // Combine them with weights fixed by the design (pi^2 / n1 and (1 - pi)^2 / n0 are their variances up to the
        // factors TPR (1 - TPR) and FPR (1 - FPR)); weights computed from the sample's own rates would correlate with
        // the estimates and bias the result (measured: +0.01 on thetaP at n = 25 + 25).
        double v1 = pi * pi / n1;
        double v0 = (1 - pi) * (1 - pi) / n0;
        double w = v0 / (v0 + v1);
        double c1 = w * pi;
        double c0 = (1 - w) * (1 - pi);
        double qLow = Math.Max(0, pi + rho - 1);
        double qHigh = Math.Min(pi, rho);
        double q = c1 * tpr + (1 - w) * rho - c0 * fpr;

        double qLower = q - Math.Sqrt(Square(c1 * (tpr - lt)) + Square(c0 * (uf - fpr)));
        double qUpper = q + Math.Sqrt(Square(c1 * (ut - tpr)) + Square(c0 * (fpr - lf)));
        qLower = Math.Clamp(qLower, qLow, qHigh);
        qUpper = Math.Clamp(qUpper, qLow, qHigh);
        // The point estimate stays a Jeffreys half-count inside the feasible range, so thetaP and thetaN are never
        // exactly 0 or 1 (as for a zero count): epsilon = 1/2 / (n + 1) with n the labels used.
        double epsilon = 0.5 / (t.SampleSize + 1.0);
        double pointLow = Math.Max(epsilon * rho, pi - (1 - epsilon) * (1 - rho));
        double pointHigh = Math.Min((1 - epsilon) * rho, pi - epsilon * (1 - rho));
        q = pointLow <= pointHigh ? Math.Clamp(q, pointLow, pointHigh) : Math.Clamp(q, qLow, qHigh);

        return Build(t, q / rho, (pi - q) / (1 - rho), pi,
            new ConfidenceInterval(qLower / rho, qUpper / rho, _level),
            new ConfidenceInterval((pi - qUpper) / (1 - rho), (pi - qLower) / (1 - rho), _level),
            new ConfidenceInterval(pi, pi, _level),
            "few-label, class-stratified sample, pi given",
            "Label more items of each class or use a better initial labeler.");
    }

    /// <summary>
    /// The class-conditional rates a stratified sample estimates: TPR = P(pseudo = +1 | y = +1) from the k1 of n1 gold
    /// positives labeled +1, FPR = P(pseudo = +1 | y = -1) from the k0 of n0 gold negatives, with their Jeffreys intervals.
    /// </summary>
    private (int N1, int N0, int K1, int K0, double Tpr, double Fpr, double TprLower, double TprUpper, double FprLower, double FprUpper) ClassRates(PriorTally t)
    {
        int n1 = t.SampleGoldPositive;
        int n0 = t.SampleGoldNegative;
        int k1 = t.PseudoPositiveGoldPositive;
        int k0 = t.PseudoPositiveGoldNegative;
        var (lt, ut) = BinomialProportion.Jeffreys(k1, n1, _level);
        var (lf, uf) = BinomialProportion.Jeffreys(k0, n0, _level);
        return (n1, n0, k1, k0, BinomialProportion.Point(k1, n1), BinomialProportion.Point(k0, n0), lt, ut, lf, uf);
    }

    private PriorEstimate EstimateStratifiedSolvedPi(PriorTally t)
    {
        double rho = t.Rho;
        var (n1, n0, k1, k0, tpr, fpr, lt, ut, lf, uf) = ClassRates(t);
        if (tpr <= fpr)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"The labeler looks uninformative on the labeled sample: TPR = {tpr:0.00} [{lt:0.00}, {ut:0.00}] is not above FPR = {fpr:0.00} [{lf:0.00}, {uf:0.00}] ({n1} gold positives, {n0} gold negatives). Check the labels' polarity, label more items or use a better initial labeler."));
        }

        if (rho >= tpr || rho <= fpr)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"pi cannot be solved from the stratified sample: the corpus's pseudo-positive share rho = {rho:0.000} is not between FPR = {fpr:0.00} [{lf:0.00}, {uf:0.00}] and TPR = {tpr:0.00} [{lt:0.00}, {ut:0.00}] ({n1} gold positives, {n0} gold negatives), so pi = (rho - FPR) / (TPR - FPR) is not inside (0, 1). Set KnownPi if the class prior is known, label more items (or draw them uniformly at random), or use a better initial labeler."));
        }

        var (thetaP, thetaN, pi) = Solve(tpr, fpr, rho);

        // Seeded parametric bootstrap from the Jeffreys posteriors of TPR and FPR.
        var random = new MersenneTwister(_seed, threadSafe: false);
        var tDraws = new double[_draws];
        var fDraws = new double[_draws];
        Beta.Samples(random, tDraws, k1 + 0.5, n1 - k1 + 0.5);
        Beta.Samples(random, fDraws, k0 + 0.5, n0 - k0 + 0.5);
        var ps = new double[_draws];
        var ns = new double[_draws];
        var pis = new double[_draws];
        int kept = 0;
        for (int i = 0; i < _draws; i++)
        {
            if (tDraws[i] <= fDraws[i])
            {
                continue; // the method assumes an informative labeler (TPR > FPR); such draws are outside the model.
            }
            (ps[kept], ns[kept], pis[kept]) = Solve(tDraws[i], fDraws[i], rho);
            kept++;
        }

        return Build(t, thetaP, thetaN, pi,
            Percentile(ps, kept), Percentile(ns, kept), Percentile(pis, kept),
            "few-label, class-stratified sample, pi solved from rho",
            "Label more items, draw them uniformly at random, set KnownPi if the class prior is known, or use a better initial labeler.");
    }

    /// <summary>
    /// Solves <c>rho = pi TPR + (1 - pi) FPR</c> for <c>pi</c> and applies Bayes. When <c>rho</c> lies outside
    /// [FPR, TPR] (which the point estimate refuses, but a bootstrap draw may do) the rates are first moved to
    /// <c>rho</c> (the constrained estimate), which gives pi = 0 or 1.
    /// </summary>
    private static (double ThetaP, double ThetaN, double Pi) Solve(double tpr, double fpr, double rho)
    {
        tpr = Math.Max(tpr, rho);
        fpr = Math.Min(fpr, rho);
        double pi = (rho - fpr) / (tpr - fpr);
        double thetaP = Math.Min(1, pi * tpr / rho);
        double thetaN = Math.Min(1, pi * (1 - tpr) / (1 - rho));
        return (thetaP, thetaN, pi);
    }

    private ConfidenceInterval Percentile(double[] values, int count)
    {
        if (count == 0)
        {
            return new ConfidenceInterval(0, 1, _level);
        }
        var kept = values.AsSpan(0, count).ToArray();
        Array.Sort(kept);
        double alpha = 1 - _level;
        return new ConfidenceInterval(
            SortedArrayStatistics.Quantile(kept, alpha / 2),
            SortedArrayStatistics.Quantile(kept, 1 - alpha / 2),
            _level);
    }

    private static PriorEstimate Build(PriorTally t, double thetaP, double thetaN, double pi,
        ConfidenceInterval pInterval, ConfidenceInterval nInterval, ConfidenceInterval piInterval, string method, string advice)
    {
        string Describe() => string.Create(CultureInfo.InvariantCulture,
            $"thetaP = {thetaP:0.00} {pInterval}, thetaN = {thetaN:0.00} {nInterval}, pi = {pi:0.00} {piInterval}; margin thetaP - thetaN = {thetaP - thetaN:0.00}, at least {ClassPriors.MinimumMargin} is needed");

        if (thetaP - thetaN < ClassPriors.MinimumMargin)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"The two pseudo-labeled sets are not distinguishable from {t.SampleSize} labels ({method}): {Describe()}. {advice}"));
        }

        ClassPriors priors;
        try
        {
            priors = new ClassPriors(thetaP, thetaN, pi);
        }
        catch (ArgumentOutOfRangeException ex)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"The estimated priors are not usable for UU learning ({method}): {Describe()}. {advice}"), ex);
        }

        return new PriorEstimate(priors, pInterval, nInterval, piInterval, t.ToCounts(), method);
    }

    private static double Square(double x) => x * x;
}
