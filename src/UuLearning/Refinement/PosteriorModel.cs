namespace UuLearning;

/// <summary>
/// The per-item posterior P(y = +1 | score, initial label): a ridge-regularised logistic regression on the labeled
/// sample with three inputs, an intercept, the standardised score and the initial label (+1, -1, or 0 when abstained).
/// </summary>
/// <remarks>
/// <para>Fitting the label's weight jointly with the score's, on the gold sample, is what makes the posterior honest when
/// the labeler's errors depend on the item: the naive-Bayes product P(y | s) P(l | y) assumes the score and the label
/// are independent given y, which they are not (the score was learned from those labels). With 50 labels the fit is
/// regularised (a Gaussian prior of variance <c>1 / Ridge</c> = 20 on the two standardised slopes: a ridge of 1 made
/// the posteriors under-confident on the project's datasets, measured in docs/evaluation.md).</para>
/// <para>A sample drawn by class (<see cref="SampleDesign.StratifiedByClass"/>) is reweighted so its class mix is the
/// corpus's prior pi (a case-control correction); a uniform sample is used as drawn.</para>
/// </remarks>
internal sealed class PosteriorModel
{
    /// <summary>L2 penalty on the two slopes (standardised inputs).</summary>
    internal const double Ridge = 0.05;

    /// <summary>A small L2 penalty on the intercept, so a one-class sample stays finite.</summary>
    internal const double InterceptRidge = 0.01;

    private readonly double _scale;

    private PosteriorModel(double intercept, double scoreWeight, double labelWeight, double scale)
    {
        Intercept = intercept;
        ScoreWeight = scoreWeight;
        LabelWeight = labelWeight;
        _scale = scale;
    }

    /// <summary>The intercept of the logit.</summary>
    public double Intercept { get; }

    /// <summary>The weight of the standardised score.</summary>
    public double ScoreWeight { get; }

    /// <summary>The weight of the initial label (+1 / -1 / 0).</summary>
    public double LabelWeight { get; }

    /// <summary>P(y = +1) for one item.</summary>
    public double Probability(float score, PseudoLabel initial) => Sigmoid(Logit(score, initial));

    /// <summary>The logit of P(y = +1) for one item.</summary>
    public double Logit(float score, PseudoLabel initial) =>
        Intercept + ScoreWeight * (score / _scale) + LabelWeight * Sign(initial);

    /// <summary>P(y = +1) for every item.</summary>
    public double[] Probabilities(IReadOnlyList<float> scores, IReadOnlyList<PseudoLabel> initial)
    {
        var p = new double[scores.Count];
        for (int i = 0; i < p.Length; i++)
        {
            p[i] = Probability(scores[i], initial[i]);
        }
        return p;
    }

    /// <summary>The score scale used to standardise: the root mean square of the scores (1 when all are zero).</summary>
    internal static double ScaleOf(IReadOnlyList<float> scores)
    {
        double sum = 0;
        for (int i = 0; i < scores.Count; i++)
        {
            sum += (double)scores[i] * scores[i];
        }
        double rms = Math.Sqrt(sum / Math.Max(1, scores.Count));
        return rms > 1e-12 && double.IsFinite(rms) ? rms : 1.0;
    }

    /// <summary>Fits the model on the labeled sample.</summary>
    /// <param name="scores">Every item's score (out-of-fold where cross-fitted).</param>
    /// <param name="initial">Every item's initial label.</param>
    /// <param name="sample">The labeled sample.</param>
    /// <param name="pi">The corpus's class prior, used only to reweight a class-stratified sample.</param>
    /// <param name="weights">Optional multiplicity per sample entry (bootstrap resampling, leave-one-out); null means 1 each.</param>
    /// <param name="scale">The score scale (from <see cref="ScaleOf"/> over all items).</param>
    public static PosteriorModel Fit(IReadOnlyList<float> scores, IReadOnlyList<PseudoLabel> initial, LabeledSample sample, double pi,
        IReadOnlyList<double>? weights, double scale)
    {
        int m = sample.Count;
        var s = new double[m];
        var l = new double[m];
        var y = new double[m];
        var w = new double[m];
        int positives = 0;
        for (int k = 0; k < m; k++)
        {
            positives += sample.Labels[k] ? 1 : 0;
        }
        double positiveWeight = 1, negativeWeight = 1;
        if (sample.Design == SampleDesign.StratifiedByClass && positives > 0 && positives < m)
        {
            positiveWeight = pi / ((double)positives / m);
            negativeWeight = (1 - pi) / ((double)(m - positives) / m);
        }
        for (int k = 0; k < m; k++)
        {
            int i = sample.Indices[k];
            s[k] = scores[i] / scale;
            l[k] = Sign(initial[i]);
            y[k] = sample.Labels[k] ? 1 : 0;
            w[k] = (weights is null ? 1 : weights[k]) * (sample.Labels[k] ? positiveWeight : negativeWeight);
        }

        // Newton's method on the penalised log-likelihood; parameters (b0, bs, bl).
        double b0 = 0, bs = 0, bl = 0;
        for (int iteration = 0; iteration < 100; iteration++)
        {
            double g0 = InterceptRidge * b0, gs = Ridge * bs, gl = Ridge * bl;
            double h00 = InterceptRidge, h0s = 0, h0l = 0, hss = Ridge, hsl = 0, hll = Ridge;
            for (int k = 0; k < m; k++)
            {
                if (w[k] == 0)
                {
                    continue;
                }
                double p = Sigmoid(b0 + bs * s[k] + bl * l[k]);
                double r = w[k] * (p - y[k]);
                double v = w[k] * p * (1 - p);
                g0 += r;
                gs += r * s[k];
                gl += r * l[k];
                h00 += v;
                h0s += v * s[k];
                h0l += v * l[k];
                hss += v * s[k] * s[k];
                hsl += v * s[k] * l[k];
                hll += v * l[k] * l[k];
            }
            var (d0, ds, dl) = Solve3(h00, h0s, h0l, hss, hsl, hll, g0, gs, gl);
            b0 -= d0;
            bs -= ds;
            bl -= dl;
            if (Math.Abs(d0) + Math.Abs(ds) + Math.Abs(dl) < 1e-10)
            {
                break;
            }
        }
        return new PosteriorModel(b0, bs, bl, scale);
    }

    internal static double Sign(PseudoLabel label) => label switch
    {
        PseudoLabel.Positive => 1,
        PseudoLabel.Negative => -1,
        _ => 0,
    };

    internal static double Sigmoid(double z) => z >= 0 ? 1 / (1 + Math.Exp(-z)) : Math.Exp(z) / (1 + Math.Exp(z));

    /// <summary>Solves the symmetric positive-definite 3x3 system H d = g by Cramer's rule.</summary>
    private static (double, double, double) Solve3(double a, double b, double c, double d, double e, double f, double g0, double g1, double g2)
    {
        // H = [[a, b, c], [b, d, e], [c, e, f]]
        double c00 = d * f - e * e, c01 = c * e - b * f, c02 = b * e - c * d;
        double c11 = a * f - c * c, c12 = b * c - a * e, c22 = a * d - b * b;
        double det = a * c00 + b * c01 + c * c02;
        return (
            (c00 * g0 + c01 * g1 + c02 * g2) / det,
            (c01 * g0 + c11 * g1 + c12 * g2) / det,
            (c02 * g0 + c12 * g1 + c22 * g2) / det);
    }
}
