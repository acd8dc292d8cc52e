namespace UuLearning;

/// <summary>
/// The posterior rule of <see cref="RelabelingRule.Posterior"/>: Platt scaling of the scores on the labeled sample plus
/// the initial labeler's log-likelihood ratio estimated on the same sample.
/// </summary>
internal static class PosteriorRelabeler
{
    /// <summary>L2 penalty on the Platt parameters, so a sample the scores separate perfectly gives finite values.</summary>
    private const double Ridge = 0.01;

    public static PseudoLabel[] Relabel(IReadOnlyList<float> scores, IReadOnlyList<PseudoLabel> initial, LabeledSample sample)
    {
        var (a, b) = FitPlatt(scores, sample);
        var (llrPositive, llrNegative) = LabelerLogLikelihoodRatios(initial, sample);
        var labels = new PseudoLabel[scores.Count];
        for (int i = 0; i < labels.Length; i++)
        {
            double llr = initial[i] switch
            {
                PseudoLabel.Positive => llrPositive,
                PseudoLabel.Negative => llrNegative,
                _ => 0,
            };
            labels[i] = a * scores[i] + b + llr > 0 ? PseudoLabel.Positive : PseudoLabel.Negative;
        }
        return labels;
    }

    /// <summary>Fits sigmoid(a s + b) to the sample's gold labels by Newton's method on the ridge-penalised log-likelihood.</summary>
    internal static (double A, double B) FitPlatt(IReadOnlyList<float> scores, LabeledSample sample)
    {
        double a = 0, b = 0;
        for (int iteration = 0; iteration < 100; iteration++)
        {
            double gA = Ridge * a, gB = Ridge * b, hAA = Ridge, hAB = 0, hBB = Ridge;
            for (int k = 0; k < sample.Count; k++)
            {
                double s = scores[sample.Indices[k]];
                double p = 1 / (1 + Math.Exp(-(a * s + b)));
                double r = p - (sample.Labels[k] ? 1 : 0);
                double w = p * (1 - p);
                gA += r * s;
                gB += r;
                hAA += w * s * s;
                hAB += w * s;
                hBB += w;
            }
            double det = hAA * hBB - hAB * hAB;
            double dA = (hBB * gA - hAB * gB) / det;
            double dB = (hAA * gB - hAB * gA) / det;
            a -= dA;
            b -= dB;
            if (Math.Abs(dA) + Math.Abs(dB) < 1e-10)
            {
                break;
            }
        }
        return (a, b);
    }

    /// <summary>log P(label | y = +1) / P(label | y = -1) for a positive and a negative initial label, Jeffreys-smoothed.</summary>
    internal static (double Positive, double Negative) LabelerLogLikelihoodRatios(IReadOnlyList<PseudoLabel> initial, LabeledSample sample)
    {
        int pos = 0, posSaidPos = 0, neg = 0, negSaidPos = 0;
        for (int k = 0; k < sample.Count; k++)
        {
            var l = initial[sample.Indices[k]];
            if (l == PseudoLabel.Abstained)
            {
                continue;
            }
            if (sample.Labels[k])
            {
                pos++;
                posSaidPos += l == PseudoLabel.Positive ? 1 : 0;
            }
            else
            {
                neg++;
                negSaidPos += l == PseudoLabel.Positive ? 1 : 0;
            }
        }
        double tpr = (posSaidPos + 0.5) / (pos + 1);
        double fpr = (negSaidPos + 0.5) / (neg + 1);
        return (Math.Log(tpr / fpr), Math.Log((1 - tpr) / (1 - fpr)));
    }
}
