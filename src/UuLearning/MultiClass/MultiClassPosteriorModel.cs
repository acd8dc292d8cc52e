using MathNet.Numerics.LinearAlgebra;

namespace UuLearning;

/// <summary>
/// The per-item posterior over K classes, <c>P(y = j | out-of-fold scores, initial label)</c>: a ridge-regularised
/// conditional (multinomial) logistic regression fitted on the labeled sample, the K-class analogue of
/// <see cref="PosteriorModel"/>.
/// </summary>
/// <remarks>
/// <para>Class j's logit is <c>a_j + b s_j + c_l [l = j]</c>: a class intercept, one shared weight on the standardised
/// out-of-fold log-probability <c>s_j</c>, and a weight on agreeing with the initial label l that depends on l (how far
/// the labeler is trusted when it answers l; zero for an abstained item). Fitting the label's weights jointly with the
/// score's, on gold, is what keeps the posterior honest when the labeler's errors depend on the item (see
/// <see cref="PosteriorModel"/>). The slopes carry the binary model's ridge (a Gaussian prior of variance 20).</para>
/// <para>A full confusion matrix (an offset per (initial label, class) pair, K^2 parameters) was tried first and
/// dropped: with 50 labels it memorised the sample, and since each round's labels come from this model and feed the
/// next round's training, the sample's gold leaked into later rounds' scores of the sample items, making the
/// do-no-harm estimate optimistic (measured on mc-emotion: an estimated gain of +0.10 for a true loss of 0.05).
/// With 2K + 1 parameters the model stays low-capacity, like the binary one.</para>
/// </remarks>
internal sealed class MultiClassPosteriorModel
{
    internal const double InterceptRidge = 0.01;
    internal const double SlopeRidge = PosteriorModel.Ridge;

    private readonly double[] _theta;
    private readonly int _k;
    private readonly double _scale;

    private MultiClassPosteriorModel(double[] theta, int k, double scale)
    {
        _theta = theta;
        _k = k;
        _scale = scale;
    }

    /// <summary>The fitted parameters: K intercepts, the score slope, then one agreement weight per initial label.</summary>
    public IReadOnlyList<double> Parameters => _theta;

    /// <summary>The weight of the standardised out-of-fold log-probability.</summary>
    public double ScoreWeight => _theta[_k];

    /// <summary>The weight of agreeing with the initial label <paramref name="label"/>.</summary>
    public double LabelWeight(int label) => _theta[_k + 1 + label];

    /// <summary>The scale that standardises log-probabilities: the root mean square of the per-item centred log-probabilities.</summary>
    public static double ScaleOf(float[] logProbabilities, int k)
    {
        int n = logProbabilities.Length / k;
        double sum = 0;
        for (int i = 0; i < n; i++)
        {
            double mean = 0;
            for (int j = 0; j < k; j++)
            {
                mean += logProbabilities[i * k + j];
            }
            mean /= k;
            for (int j = 0; j < k; j++)
            {
                double d = logProbabilities[i * k + j] - mean;
                sum += d * d;
            }
        }
        double rms = Math.Sqrt(sum / Math.Max(1, (double)n * k));
        return rms > 1e-12 && double.IsFinite(rms) ? rms : 1.0;
    }

    /// <summary>P(y = j) for item <paramref name="item"/>, j = 0..K-1.</summary>
    public double[] Probabilities(float[] logProbabilities, int item, int initial)
    {
        var eta = new double[_k];
        for (int j = 0; j < _k; j++)
        {
            eta[j] = Logit(_theta, logProbabilities, item, initial, j);
        }
        return Softmax(eta);
    }

    /// <summary>Posteriors of every item.</summary>
    public double[][] AllProbabilities(float[] logProbabilities, IReadOnlyList<int> initial)
    {
        var result = new double[initial.Count][];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = Probabilities(logProbabilities, i, initial[i]);
        }
        return result;
    }

    /// <summary>Fits the model on the labeled sample by Newton's method on the penalised log-likelihood.</summary>
    /// <param name="logProbabilities">Every item's out-of-fold log-probabilities, [N, K] row-major.</param>
    /// <param name="k">K.</param>
    /// <param name="initial">Every item's initial label (-1 abstained).</param>
    /// <param name="sample">The labeled sample.</param>
    /// <param name="weights">Weight per sample entry (0 leaves it out); null means 1 each.</param>
    /// <param name="scale">From <see cref="ScaleOf"/> over all items.</param>
    /// <param name="start">Parameters to start from (a warm start for leave-one-out refits); null starts at 0.</param>
    public static MultiClassPosteriorModel Fit(float[] logProbabilities, int k, IReadOnlyList<int> initial, MultiClassLabeledSample sample,
        IReadOnlyList<double>? weights, double scale, MultiClassPosteriorModel? start = null)
    {
        int p = 1 + 2 * k;
        var theta = start is null ? new double[p] : (double[])start._theta.Clone();
        var ridge = new double[p];
        for (int q = 0; q < p; q++)
        {
            ridge[q] = q < k ? InterceptRidge : SlopeRidge;
        }
        var standardised = new float[logProbabilities.Length];
        for (int t = 0; t < standardised.Length; t++)
        {
            standardised[t] = (float)(logProbabilities[t] / scale);
        }
        var phi = new double[k][];
        for (int j = 0; j < k; j++)
        {
            phi[j] = new double[p];
        }
        var mu = new double[p];
        for (int iteration = 0; iteration < 100; iteration++)
        {
            var h = Matrix<double>.Build.Dense(p, p);
            var g = Vector<double>.Build.Dense(p);
            for (int q = 0; q < p; q++)
            {
                h[q, q] = ridge[q];
                g[q] = ridge[q] * theta[q];
            }
            for (int s = 0; s < sample.Count; s++)
            {
                double w = weights is null ? 1 : weights[s];
                if (w == 0)
                {
                    continue;
                }
                int i = sample.Indices[s];
                int y = sample.Labels[s];
                var eta = new double[k];
                for (int j = 0; j < k; j++)
                {
                    Features(standardised, i, initial[i], j, k, phi[j]);
                    eta[j] = Dot(theta, phi[j]);
                }
                var pr = Softmax(eta);
                Array.Clear(mu);
                for (int j = 0; j < k; j++)
                {
                    for (int q = 0; q < p; q++)
                    {
                        mu[q] += pr[j] * phi[j][q];
                    }
                }
                for (int q = 0; q < p; q++)
                {
                    g[q] += w * (mu[q] - phi[y][q]);
                }
                // Hessian: sum_j p_j phi_j phi_j^T - mu mu^T; phi_j is sparse (at most 3 non-zeros).
                for (int j = 0; j < k; j++)
                {
                    var nz = NonZero(phi[j]);
                    foreach (int a in nz)
                    {
                        foreach (int b in nz)
                        {
                            h[a, b] += w * pr[j] * phi[j][a] * phi[j][b];
                        }
                    }
                }
                var muNz = NonZero(mu);
                foreach (int a in muNz)
                {
                    foreach (int b in muNz)
                    {
                        h[a, b] -= w * mu[a] * mu[b];
                    }
                }
            }
            var step = h.Cholesky().Solve(g);
            double size = 0;
            for (int q = 0; q < p; q++)
            {
                theta[q] -= step[q];
                size += Math.Abs(step[q]);
            }
            if (size < 1e-9)
            {
                break;
            }
        }
        return new MultiClassPosteriorModel(theta, k, scale);
    }

    private double Logit(double[] theta, float[] logProbabilities, int item, int initial, int j)
    {
        double eta = theta[j] + theta[_k] * (logProbabilities[item * _k + j] / _scale);
        if (initial == j)
        {
            eta += theta[_k + 1 + initial];
        }
        return eta;
    }

    private static void Features(float[] standardised, int item, int initial, int j, int k, double[] phi)
    {
        Array.Clear(phi);
        phi[j] = 1;
        phi[k] = standardised[item * k + j];
        if (initial == j)
        {
            phi[k + 1 + initial] = 1;
        }
    }

    private static List<int> NonZero(double[] v)
    {
        var list = new List<int>(8);
        for (int q = 0; q < v.Length; q++)
        {
            if (v[q] != 0)
            {
                list.Add(q);
            }
        }
        return list;
    }

    private static double Dot(double[] a, double[] b)
    {
        double s = 0;
        for (int q = 0; q < a.Length; q++)
        {
            s += a[q] * b[q];
        }
        return s;
    }

    internal static double[] Softmax(double[] eta)
    {
        double max = eta.Max();
        var p = new double[eta.Length];
        double sum = 0;
        for (int j = 0; j < eta.Length; j++)
        {
            p[j] = Math.Exp(eta[j] - max);
            sum += p[j];
        }
        for (int j = 0; j < eta.Length; j++)
        {
            p[j] /= sum;
        }
        return p;
    }
}
