namespace UuLearning;

/// <summary>
/// Judges a K-class candidate labeling against the initial labels, as <see cref="CandidateSelector"/> does for two
/// classes: prediction-powered estimates of both accuracies and of the paired gain on the items outside the labeled
/// sample (the calibrated probability that each item's label is right, corrected by the sample's residuals, each sample
/// item judged by a posterior fitted without it), and the same do-no-harm rule (eligible when the gain is positive and
/// its one-sided lower bound is above minus the harm tolerance). <see cref="CandidateSelector.Choose"/> and
/// <see cref="CandidateSelector.Describe"/> then pick and explain, unchanged.
/// </summary>
/// <remarks>For two classes the variances reduce to the binary ones: an item's correctness has Bernoulli variance
/// <c>p_z (1 - p_z)</c>, and where the labelings differ the paired difference has variance
/// <c>p_z + p_z0 - (p_z - p_z0)^2</c>, which is <c>4 p (1 - p)</c> when <c>p_z0 = 1 - p_z</c>.</remarks>
internal sealed class MultiClassCandidateSelector
{
    private readonly CandidateSelector _conclusion;

    public MultiClassCandidateSelector(double level, double harmTolerance)
    {
        _conclusion = new CandidateSelector(level, harmTolerance);
    }

    /// <summary>The confident-flips rule: the most probable class other than <paramref name="initial"/> when its posterior
    /// exceeds <paramref name="threshold"/>, else <paramref name="initial"/>. At 0.5 with K = 2 this is the argmax.</summary>
    public static int Relabel(double[] p, int initial, double threshold)
    {
        int best = -1;
        for (int j = 0; j < p.Length; j++)
        {
            if (j != initial && (best < 0 || p[j] > p[best]))
            {
                best = j;
            }
        }
        return p[best] > threshold ? best : initial;
    }

    /// <summary>The most probable class (the lowest index on ties).</summary>
    public static int ArgMax(double[] p)
    {
        int best = 0;
        for (int j = 1; j < p.Length; j++)
        {
            if (p[j] > p[best])
            {
                best = j;
            }
        }
        return best;
    }

    /// <summary>Assesses a candidate.</summary>
    /// <param name="round">The round.</param>
    /// <param name="labels">The candidate's labels for every item.</param>
    /// <param name="initialFilled">The labeling to beat (initial labels, abstentions filled).</param>
    /// <param name="posteriors">Every item's posterior under the full-sample model.</param>
    /// <param name="sample">The labeled sample.</param>
    /// <param name="leaveOneOut">Each sample item's posterior from a model fitted without it.</param>
    /// <param name="rule">How the candidate's label follows from a posterior and the initial label (applied to the
    /// leave-one-out posteriors), or null when the labels are fixed.</param>
    /// <param name="confidentFlipsOnly">Recorded on the assessment.</param>
    public CandidateAssessment Assess(int round, int[] labels, int[] initialFilled, double[][] posteriors, MultiClassLabeledSample sample,
        double[][] leaveOneOut, Func<double[], int, int>? rule, bool confidentFlipsOnly)
    {
        int n = labels.Length;
        var inSample = new bool[n];
        foreach (int i in sample.Indices)
        {
            inSample[i] = true;
        }
        int outside = n - sample.Count;
        double acc = 0, acc0 = 0, bernoulli = 0, bernoulli0 = 0, bernoulliGain = 0;
        bool differs = false;
        for (int i = 0; i < n; i++)
        {
            if (inSample[i])
            {
                continue;
            }
            double pz = posteriors[i][labels[i]], p0 = posteriors[i][initialFilled[i]];
            acc += pz;
            acc0 += p0;
            bernoulli += pz * (1 - pz);
            bernoulli0 += p0 * (1 - p0);
            if (labels[i] != initialFilled[i])
            {
                differs = true;
                bernoulliGain += PairedVariance(pz, p0);
            }
        }
        acc /= outside;
        acc0 /= outside;

        int m = sample.Count;
        var residual = new double[m];
        var residual0 = new double[m];
        var residualGain = new double[m];
        double floor = 0, floor0 = 0, floorGain = 0;
        int wins = 0, losses = 0;
        for (int s = 0; s < m; s++)
        {
            int i = sample.Indices[s];
            var q = leaveOneOut[s];
            int label = rule is null ? labels[i] : rule(q, initialFilled[i]);
            int gold = sample.Labels[s];
            double right = label == gold ? 1 : 0, right0 = initialFilled[i] == gold ? 1 : 0;
            residual[s] = right - q[label];
            residual0[s] = right0 - q[initialFilled[i]];
            residualGain[s] = residual[s] - residual0[s];
            floor += q[label] * (1 - q[label]) / m;
            floor0 += q[initialFilled[i]] * (1 - q[initialFilled[i]]) / m;
            if (label != initialFilled[i])
            {
                floorGain += PairedVariance(q[label], q[initialFilled[i]]) / m;
                wins += right > right0 ? 1 : 0;
                losses += right < right0 ? 1 : 0;
            }
        }
        return _conclusion.Conclude(round, confidentFlipsOnly, acc, acc0, residual, residual0, residualGain, floor, floor0, floorGain,
            bernoulli, bernoulli0, bernoulliGain, outside, differs, wins, losses);
    }

    /// <summary>Variance of <c>1[y = z] - 1[y = z0]</c> for two different labels with probabilities <paramref name="pz"/> and <paramref name="p0"/>.</summary>
    internal static double PairedVariance(double pz, double p0) => pz + p0 - (pz - p0) * (pz - p0);
}
