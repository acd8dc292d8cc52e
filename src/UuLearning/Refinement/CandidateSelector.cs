using System.Globalization;
using MathNet.Numerics.Distributions;
using MathNet.Numerics.Statistics;

namespace UuLearning;

/// <summary>
/// The one place that decides which labeling a refinement returns: the initial labels unless the evidence says a refined
/// candidate is better. Every candidate is judged against the initial labels on all items outside the labeled sample
/// through its calibrated posteriors, corrected by the paired residuals on the labeled sample (prediction-powered
/// inference), so the estimate stays honest when the posterior model is not.
/// </summary>
internal sealed class CandidateSelector
{
    private readonly double _level;
    private readonly double _harmTolerance;

    /// <param name="level">Two-sided confidence level of the intervals.</param>
    /// <param name="harmTolerance">The largest loss against the initial labels the gain's lower bound may show.</param>
    public CandidateSelector(double level, double harmTolerance)
    {
        _level = level;
        _harmTolerance = harmTolerance;
    }

    /// <summary>Assesses a candidate against the initial labels (abstentions filled).</summary>
    /// <param name="candidate">The candidate.</param>
    /// <param name="initial">The initial labels (the posterior model's input).</param>
    /// <param name="initialFilled">The initial labels with abstentions filled: the labeling to beat.</param>
    /// <param name="sample">The labeled sample.</param>
    /// <param name="pi">The class prior (for a class-stratified sample).</param>
    /// <param name="flipThreshold">How the candidate's labels follow from its posteriors (see <see cref="Relabel"/>), so a
    /// sample item judged leave-one-out gets the label the rule would give it; null when the labels are fixed (the sign
    /// of the scores).</param>
    /// <param name="confidentFlipsOnly">Recorded on the assessment: the candidate flips only confident items.</param>
    /// <remarks>
    /// Prediction-powered estimates: the model's prediction over every item outside the sample, corrected by the mean
    /// residual (gold truth minus prediction) over the sample, each sample item predicted by a model fitted without it.
    /// The correction makes the estimate unbiased for a uniform sample whether or not the posterior model is right; a
    /// good model makes the residuals, and so the interval, small.
    /// </remarks>
    public CandidateAssessment Assess(RefinementCandidate candidate, PseudoLabel[] initial, PseudoLabel[] initialFilled, LabeledSample sample,
        double pi, double? flipThreshold, bool confidentFlipsOnly = false)
    {
        int n = initial.Length;
        var inSample = new bool[n];
        foreach (int i in sample.Indices)
        {
            inSample[i] = true;
        }
        int outside = n - sample.Count;
        var z = candidate.Labels;
        var p = candidate.Posteriors;
        double scale = PosteriorModel.ScaleOf(candidate.Scores);

        // The model's prediction over the items outside the sample.
        // Bernoulli variance of an item's correctness: p(1 - p) whichever label it has.
        double acc = 0, acc0 = 0, bernoulli = 0, bernoulliGain = 0;
        bool differs = false;
        for (int i = 0; i < n; i++)
        {
            if (inSample[i])
            {
                continue;
            }
            double right = Right(p[i], z[i]), right0 = Right(p[i], initialFilled[i]);
            acc += right;
            acc0 += right0;
            bernoulli += p[i] * (1 - p[i]);
            if (z[i] != initialFilled[i])
            {
                differs = true;
                bernoulliGain += 4 * p[i] * (1 - p[i]);
            }
        }
        acc /= outside;
        acc0 /= outside;

        // Residuals on the sample, each item judged by a posterior model fitted without it (leave-one-out).
        int m = sample.Count;
        var residual = new double[m];
        var residual0 = new double[m];
        var residualGain = new double[m];
        // The posterior's own Bernoulli variance of each residual: a floor for the residuals' variance, so a sample that
        // happens to hold no error (likely when errors are rare) does not give a zero-width interval.
        double floor = 0, floorGain = 0;
        int wins = 0, losses = 0;
        var looWeights = new double[m];
        Array.Fill(looWeights, 1.0);
        for (int k = 0; k < m; k++)
        {
            int i = sample.Indices[k];
            looWeights[k] = 0;
            var model = PosteriorModel.Fit(candidate.Scores, initial, sample, pi, looWeights, scale);
            looWeights[k] = 1;
            double q = model.Probability(candidate.Scores[i], initial[i]);
            var label = flipThreshold is double t ? Relabel(q, initialFilled[i], t) : z[i];
            bool gold = sample.Labels[k];
            double right = (label == PseudoLabel.Positive) == gold ? 1 : 0;
            double right0 = (initialFilled[i] == PseudoLabel.Positive) == gold ? 1 : 0;
            residual[k] = right - Right(q, label);
            residual0[k] = right0 - Right(q, initialFilled[i]);
            residualGain[k] = residual[k] - residual0[k];
            floor += q * (1 - q) / m;
            if (label != initialFilled[i])
            {
                floorGain += 4 * q * (1 - q) / m;
                wins += right > right0 ? 1 : 0;
                losses += right < right0 ? 1 : 0;
            }
        }
        return Conclude(candidate.Round, confidentFlipsOnly, acc, acc0, residual, residual0, residualGain, floor, floor, floorGain,
            bernoulli, bernoulli, bernoulliGain, outside, differs, wins, losses);
    }

    /// <summary>
    /// Turns the prediction-powered ingredients into an assessment (shared by the binary and the K-class selectors): the
    /// estimates are the model's mean over the items outside the sample plus the sample's mean residual; each variance is
    /// the residuals' sample variance (floored by the posterior's own Bernoulli variance) over m plus the outside items'
    /// Bernoulli variance over the squared outside count; eligible when the labelings differ, the gain is positive and its
    /// one-sided lower bound at the confidence level is above minus the harm tolerance.
    /// </summary>
    internal CandidateAssessment Conclude(int round, bool confidentFlipsOnly, double acc, double acc0, double[] residual, double[] residual0,
        double[] residualGain, double floor, double floor0, double floorGain, double bernoulli, double bernoulli0, double bernoulliGain,
        int outside, bool differs, int wins, int losses)
    {
        int m = residual.Length;
        double zq = Normal.InvCDF(0, 1, 0.5 + _level / 2);
        double outside2 = (double)outside * outside;
        double estimate = acc + residual.Average();
        double estimate0 = acc0 + residual0.Average();
        double gain = estimate - estimate0;
        double gainVariance = Math.Max(Variance(residualGain), floorGain) / m + bernoulliGain / outside2;
        var accuracyInterval = Interval(estimate, Math.Max(Variance(residual), floor) / m + bernoulli / outside2, zq);
        var initialInterval = Interval(estimate0, Math.Max(Variance(residual0), floor0) / m + bernoulli0 / outside2, zq);
        var gainInterval = Interval(gain, gainVariance, zq);
        // The decision is one-sided (is the candidate no worse than the initial labels by more than the tolerance?), so
        // it uses the one-sided bound at the confidence level.
        double oneSidedLower = gain - Normal.InvCDF(0, 1, _level) * Math.Sqrt(gainVariance);
        bool eligible = differs && gain > 0 && oneSidedLower > -_harmTolerance;
        return new CandidateAssessment(
            round,
            confidentFlipsOnly,
            new AccuracyEstimate(Math.Clamp(estimate, 0, 1), Clamp(accuracyInterval)),
            new AccuracyEstimate(Math.Clamp(estimate0, 0, 1), Clamp(initialInterval)),
            gain,
            gainInterval,
            wins,
            losses,
            eligible);
    }

    /// <summary>The label a posterior gives an item: the other class than <paramref name="initial"/> when the posterior
    /// puts more than <paramref name="threshold"/> on it, else <paramref name="initial"/>. At 0.5 this is the label with
    /// the higher posterior; above, only confident flips.</summary>
    public static PseudoLabel Relabel(double p, PseudoLabel initial, double threshold)
    {
        var other = initial == PseudoLabel.Positive ? PseudoLabel.Negative : PseudoLabel.Positive;
        return Right(p, other) > threshold ? other : initial;
    }

    /// <summary>Picks the eligible candidate with the highest estimated gain, or none (keep the initial labels). Every
    /// eligible candidate has already passed the non-inferiority test, so the choice among them can follow the estimate;
    /// ranking by lower bounds instead would prefer cautious candidates with narrow intervals over large, clear gains.</summary>
    /// <returns>The index into <paramref name="assessments"/>, or -1.</returns>
    public static int Choose(IReadOnlyList<CandidateAssessment> assessments)
    {
        int best = -1;
        for (int c = 0; c < assessments.Count; c++)
        {
            if (assessments[c].Eligible && (best < 0 || assessments[c].Gain > assessments[best].Gain))
            {
                best = c;
            }
        }
        return best;
    }

    /// <summary>A sentence on the decision, for reports and logs.</summary>
    public static string Describe(IReadOnlyList<CandidateAssessment> assessments, int chosen)
    {
        static string One(CandidateAssessment a) => string.Create(CultureInfo.InvariantCulture,
            $"round {a.Round}{(a.ConfidentFlipsOnly ? " (confident flips)" : "")}: gain {a.Gain:+0.000;-0.000} {a.GainInterval}, sample {a.SampleWins} won / {a.SampleLosses} lost");
        string all = string.Join("; ", assessments.Select(One));
        return chosen < 0
            ? $"Kept the initial labels: no refined round showed a clear gain over them ({all})."
            : string.Create(CultureInfo.InvariantCulture,
                $"Returned round {assessments[chosen].Round}{(assessments[chosen].ConfidentFlipsOnly ? " with confident flips only" : "")}: its estimated gain over the initial labels is clearly positive ({all}).");
    }

    internal static double Right(double p, PseudoLabel label) => label == PseudoLabel.Positive ? p : 1 - p;

    private ConfidenceInterval Interval(double value, double variance, double zq)
    {
        double half = zq * Math.Sqrt(Math.Max(0, variance));
        return new ConfidenceInterval(value - half, value + half, _level);
    }

    private ConfidenceInterval Clamp(ConfidenceInterval i) =>
        new(Math.Max(0, i.Lower), Math.Min(1, i.Upper), _level);

    /// <summary>The sample variance (MathNet's), 0 for fewer than two values.</summary>
    private static double Variance(double[] values) => values.Length < 2 ? 0 : ArrayStatistics.Variance(values);
}
