namespace UuLearning.Tests.TestDoubles;

/// <summary>
/// K Gaussian classes (means on random directions, unit variance) with class-conditional label noise given by a
/// transition matrix <c>T[y, l] = P(noisy label l | y)</c>: the K-class version of <see cref="SyntheticData"/>.
/// </summary>
internal sealed class MultiClassSyntheticData
{
    private MultiClassSyntheticData(float[][] features, int[] gold, int[] noisy)
    {
        Features = features.Select(f => (ReadOnlyMemory<float>)f).ToArray();
        Gold = gold;
        Noisy = noisy;
    }

    public IReadOnlyList<ReadOnlyMemory<float>> Features { get; }

    public int[] Gold { get; }

    public int[] Noisy { get; }

    public static MultiClassSyntheticData Draw(int n, int dim, double[,] transition, int seed, double separation = 4.0)
    {
        int k = transition.GetLength(0);
        var rng = new Random(seed);
        var means = new double[k][];
        for (int c = 0; c < k; c++)
        {
            var d = Enumerable.Range(0, dim).Select(_ => Normal(rng)).ToArray();
            double norm = Math.Sqrt(d.Sum(v => v * v));
            means[c] = d.Select(v => v / norm * separation / 2).ToArray();
        }
        var features = new float[n][];
        var gold = new int[n];
        var noisy = new int[n];
        for (int i = 0; i < n; i++)
        {
            int y = rng.Next(k);
            gold[i] = y;
            features[i] = Enumerable.Range(0, dim).Select(j => (float)(Normal(rng) + means[y][j])).ToArray();
            double u = rng.NextDouble(), acc = 0;
            noisy[i] = k - 1;
            for (int l = 0; l < k; l++)
            {
                acc += transition[y, l];
                if (u < acc)
                {
                    noisy[i] = l;
                    break;
                }
            }
        }
        return new MultiClassSyntheticData(features, gold, noisy);
    }

    /// <summary>The empirical Theta[i, j] = P(y = j | noisy = i) and pi of the whole corpus (the oracle priors).</summary>
    public MultiClassPriors OraclePriors(int k)
    {
        var theta = new double[k, k];
        var rows = new double[k];
        var pi = new double[k];
        for (int i = 0; i < Gold.Length; i++)
        {
            theta[Noisy[i], Gold[i]]++;
            rows[Noisy[i]]++;
            pi[Gold[i]] += 1.0 / Gold.Length;
        }
        for (int i = 0; i < k; i++)
        {
            for (int j = 0; j < k; j++)
            {
                theta[i, j] /= rows[i];
            }
        }
        return new MultiClassPriors(theta, pi);
    }

    public double Accuracy(IReadOnlyList<int> labels, IEnumerable<int>? items = null)
    {
        var which = (items ?? Enumerable.Range(0, Gold.Length)).ToArray();
        return which.Average(i => labels[i] == Gold[i] ? 1.0 : 0.0);
    }

    private static double Normal(Random rng)
    {
        double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
