using System.Globalization;
using MathNet.Numerics.Distributions;
using MathNet.Numerics.Random;
using MathNet.Numerics.Statistics;

namespace UuLearning;

/// <summary>
/// Estimates the K-class priors from pseudo-labels and a uniformly random labeled sample: each row of Theta from the
/// sample items of that pseudo-labeled set, smoothed by a Dirichlet prior; <c>pi = rho^T Theta</c>, with <c>rho</c>, the
/// share of each pseudo-labeled set in the corpus, known exactly.
/// </summary>
/// <remarks>
/// <para>Row i of Theta is the posterior mean <c>(n_ij + c m_ij) / (n_i + c)</c> where <c>n_ij</c> counts sample items
/// pseudo-labeled i with gold class j, <c>c</c> is <see cref="MultiClassPriorEstimatorOptions.DirichletStrength"/> and
/// the prior mean <c>m_i</c> puts the labeler's pooled agreement rate <c>a</c> on the diagonal and <c>(1 - a) / (K - 1)</c>
/// elsewhere. With 50 labels and 6 classes a row holds about 8 items, so smoothing matters; pooling keeps a sparse row
/// diagonal-dominant, as the labeler is overall. Intervals: the marginal Beta quantiles of each row's Dirichlet
/// posterior for Theta, a seeded Monte Carlo over those posteriors for pi.</para>
/// <para>Theta's condition number is checked against <see cref="MultiClassPriorEstimatorOptions.MaxConditionNumber"/>:
/// above it the estimate is refused with an <see cref="InvalidOperationException"/> naming the two pseudo-labeled sets
/// whose class mixes are most alike (merge them, label more items, or use a better labeler).</para>
/// <para>Abstained items (label -1) are ignored. Thread-safe and stateless.</para>
/// </remarks>
public sealed class MultiClassPriorEstimator
{
    private readonly MultiClassPriorEstimatorOptions _options;

    /// <summary>Creates the estimator.</summary>
    /// <param name="options">Options (copied and validated); null means defaults.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (named).</exception>
    public MultiClassPriorEstimator(MultiClassPriorEstimatorOptions? options = null)
    {
        var o = options ?? new MultiClassPriorEstimatorOptions();
        if (!(o.ConfidenceLevel >= 0.5 && o.ConfidenceLevel <= 0.999))
        {
            throw new ArgumentOutOfRangeException(nameof(o.ConfidenceLevel), o.ConfidenceLevel, "ConfidenceLevel must be between 0.5 and 0.999.");
        }
        if (!(o.DirichletStrength >= 0.01 && o.DirichletStrength <= 100))
        {
            throw new ArgumentOutOfRangeException(nameof(o.DirichletStrength), o.DirichletStrength, "DirichletStrength must be between 0.01 and 100.");
        }
        if (!(o.MaxConditionNumber >= 2 && o.MaxConditionNumber <= MultiClassPriors.SingularConditionNumber))
        {
            throw new ArgumentOutOfRangeException(nameof(o.MaxConditionNumber), o.MaxConditionNumber, "MaxConditionNumber must be between 2 and 1e6.");
        }
        if (o.Draws is < 200 or > 1_000_000)
        {
            throw new ArgumentOutOfRangeException(nameof(o.Draws), o.Draws, "Draws must be between 200 and 1,000,000.");
        }
        _options = new MultiClassPriorEstimatorOptions
        {
            ConfidenceLevel = o.ConfidenceLevel,
            DirichletStrength = o.DirichletStrength,
            MaxConditionNumber = o.MaxConditionNumber,
            Draws = o.Draws,
            Seed = o.Seed,
        };
    }

    /// <summary>Estimates the priors.</summary>
    /// <param name="pseudoLabels">Every corpus item's pseudo-label: a class index in [0, K), or -1 for abstained.</param>
    /// <param name="sample">The labeled sample (K taken from it).</param>
    /// <returns>The estimate.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A pseudo-label is outside [-1, K) or a sample index outside the corpus.</exception>
    /// <exception cref="InvalidOperationException">A pseudo-labeled set is empty, no sample item has a pseudo-label, the
    /// labeler agrees with gold no more than chance, or Theta is near singular.</exception>
    public MultiClassPriorEstimate Estimate(IReadOnlyList<int> pseudoLabels, MultiClassLabeledSample sample) => Estimate(pseudoLabels, sample, shrinkNearSingular: false);

    /// <summary>Estimates the priors; with <paramref name="shrinkNearSingular"/>, a near-singular Theta is not refused but
    /// smoothed harder: the Dirichlet strength is raised to the smallest value (found by bisection on a log scale) whose
    /// Theta has a condition number within <see cref="MultiClassPriorEstimatorOptions.MaxConditionNumber"/>. The prior mean
    /// (the pooled agreement a on the diagonal) has condition number (K - 1) / (K a - 1), so this succeeds whenever that is
    /// within the bound; otherwise the estimate is refused as without shrinkage.</summary>
    internal MultiClassPriorEstimate Estimate(IReadOnlyList<int> pseudoLabels, MultiClassLabeledSample sample, bool shrinkNearSingular)
    {
        ArgumentNullException.ThrowIfNull(pseudoLabels);
        ArgumentNullException.ThrowIfNull(sample);
        sample.EnsureFits(pseudoLabels.Count, nameof(sample));
        int k = sample.ClassCount;
        var setSizes = new int[k];
        for (int i = 0; i < pseudoLabels.Count; i++)
        {
            int l = pseudoLabels[i];
            if (l < -1 || l >= k)
            {
                throw new ArgumentOutOfRangeException(nameof(pseudoLabels), l, string.Create(CultureInfo.InvariantCulture,
                    $"Item {i} has pseudo-label {l}; use a class index in [0, {k}) or -1 for abstained."));
            }
            if (l >= 0)
            {
                setSizes[l]++;
            }
        }
        int empty = Array.IndexOf(setSizes, 0);
        if (empty >= 0)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"No item is pseudo-labeled class {empty} (set sizes {string.Join(", ", setSizes)}): K-class UU learning needs every pseudo-labeled set non-empty. Drop the class, or check the labeler's output."));
        }
        var counts = new int[k][];
        for (int i = 0; i < k; i++)
        {
            counts[i] = new int[k];
        }
        int used = 0, agree = 0;
        for (int s = 0; s < sample.Count; s++)
        {
            int l = pseudoLabels[sample.Indices[s]];
            if (l < 0)
            {
                continue;
            }
            counts[l][sample.Labels[s]]++;
            used++;
            agree += l == sample.Labels[s] ? 1 : 0;
        }
        if (used == 0)
        {
            throw new InvalidOperationException($"None of the {sample.Count} labeled items has a pseudo-label (all abstained). Label items the labeler answered.");
        }
        double a = (agree + 0.5) / (used + 1.0);
        if (a <= 1.0 / k)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"The labeler agrees with gold on {agree} of {used} labeled items ({a:0.00}), no better than chance for {k} classes: its sets carry no usable signal. Check the class order of the labels or use a better labeler."));
        }

        double c = _options.DirichletStrength;
        string shrinkNote = "";
        if (shrinkNearSingular)
        {
            double start = Condition(SmoothedTheta(counts, a, c));
            if (!(start <= _options.MaxConditionNumber))
            {
                // The prior mean's condition number is the limit as the strength grows; bisect only when it is within the bound.
                double limit = (k - 1) / (k * a - 1);
                if (limit < _options.MaxConditionNumber)
                {
                    double lo = Math.Log(c), hi = Math.Log(c * 1e6);
                    for (int step = 0; step < 60; step++)
                    {
                        double mid = (lo + hi) / 2;
                        if (Condition(SmoothedTheta(counts, a, Math.Exp(mid))) <= _options.MaxConditionNumber)
                        {
                            hi = mid;
                        }
                        else
                        {
                            lo = mid;
                        }
                    }
                    double raised = Math.Exp(hi);
                    shrinkNote = string.Create(CultureInfo.InvariantCulture,
                        $"; Theta was near singular (condition number {start:0.0} at strength {c}), so the Dirichlet strength was raised to {raised:0.##}");
                    c = raised;
                }
            }
        }
        double level = _options.ConfidenceLevel;
        double alpha = 1 - level;
        var theta = new double[k, k];
        var concentration = new double[k][];
        var thetaIntervals = new IReadOnlyList<ConfidenceInterval>[k];
        for (int i = 0; i < k; i++)
        {
            int ni = counts[i].Sum();
            concentration[i] = new double[k];
            var row = new ConfidenceInterval[k];
            for (int j = 0; j < k; j++)
            {
                double m = PriorMean(i, j, a, k);
                double shape = counts[i][j] + c * m;
                double rest = ni + c - shape;
                concentration[i][j] = shape;
                theta[i, j] = shape / (ni + c);
                row[j] = new ConfidenceInterval(Beta.InvCDF(shape, rest, alpha / 2), Beta.InvCDF(shape, rest, 1 - alpha / 2), level);
            }
            thetaIntervals[i] = row;
        }

        int total = setSizes.Sum();
        var rho = setSizes.Select(s => (double)s / total).ToArray();
        var pi = new double[k];
        for (int j = 0; j < k; j++)
        {
            for (int i = 0; i < k; i++)
            {
                pi[j] += rho[i] * theta[i, j];
            }
        }
        var priors = Build(theta, pi, counts);

        var random = new MersenneTwister(_options.Seed, threadSafe: false);
        var draws = new double[k][];
        for (int j = 0; j < k; j++)
        {
            draws[j] = new double[_options.Draws];
        }
        var rowDraw = new double[k];
        for (int d = 0; d < _options.Draws; d++)
        {
            for (int i = 0; i < k; i++)
            {
                // A Dirichlet draw as normalised Gamma draws (MathNet's Dirichlet sampler, without its per-call allocation).
                double sum = 0;
                for (int j = 0; j < k; j++)
                {
                    rowDraw[j] = Gamma.Sample(random, concentration[i][j], 1);
                    sum += rowDraw[j];
                }
                for (int j = 0; j < k; j++)
                {
                    draws[j][d] += rho[i] * rowDraw[j] / sum;
                }
            }
        }
        var piIntervals = draws.Select(v => new ConfidenceInterval(
            Statistics.Quantile(v, alpha / 2), Statistics.Quantile(v, 1 - alpha / 2), level)).ToArray();
        return new MultiClassPriorEstimate(priors, thetaIntervals, piIntervals, setSizes,
            counts.Select(r => (IReadOnlyList<int>)r).ToArray(),
            string.Create(CultureInfo.InvariantCulture, $"few-label, uniform random sample, Dirichlet strength {c:0.##}{shrinkNote}"));
    }

    /// <summary>Theta's posterior mean at Dirichlet strength <paramref name="c"/> (see the class remarks).</summary>
    private static double[,] SmoothedTheta(int[][] counts, double a, double c)
    {
        int k = counts.Length;
        var theta = new double[k, k];
        for (int i = 0; i < k; i++)
        {
            int ni = counts[i].Sum();
            for (int j = 0; j < k; j++)
            {
                theta[i, j] = (counts[i][j] + c * PriorMean(i, j, a, k)) / (ni + c);
            }
        }
        return theta;
    }

    /// <summary>The condition number (infinite when singular), without <see cref="MultiClassPriors"/>' refusal of an exactly singular matrix.</summary>
    private static double Condition(double[,] theta) => MultiClassPriors.Conditioning(theta).Condition;

    /// <summary>The Dirichlet prior's mean for Theta[i, j]: the pooled agreement <paramref name="a"/> on the diagonal, the
    /// rest spread evenly over the other K - 1 classes.</summary>
    private static double PriorMean(int i, int j, double a, int k) => i == j ? a : (1 - a) / (k - 1);

    private MultiClassPriors Build(double[,] theta, double[] pi, int[][] counts)
    {
        var priors = new MultiClassPriors(theta, pi);
        if (priors.ConditionNumber <= _options.MaxConditionNumber)
        {
            return priors;
        }
        int k = pi.Length;
        int bestA = 0, bestB = 1;
        double bestDistance = double.PositiveInfinity;
        for (int i = 0; i < k; i++)
        {
            for (int j = i + 1; j < k; j++)
            {
                double distance = 0;
                for (int c = 0; c < k; c++)
                {
                    distance += Math.Abs(theta[i, c] - theta[j, c]);
                }
                if (distance < bestDistance)
                {
                    (bestDistance, bestA, bestB) = (distance, i, j);
                }
            }
        }
        throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
            $"Theta is nearly singular (condition number {priors.ConditionNumber:0.0}, above {_options.MaxConditionNumber}): the pseudo-labeled sets of classes {bestA} and {bestB} have nearly the same class mix ({counts[bestA].Sum()} and {counts[bestB].Sum()} labeled items; rows differ by {bestDistance:0.00} in L1), so UU learning cannot tell them apart. Merge those two classes, label more items, or use a better labeler. {priors}"));
    }
}
