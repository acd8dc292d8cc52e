namespace UuLearning.Tests.TestDoubles;

/// <summary>
/// Synthetic corpora for tests and benchmarks: two Gaussian classes with class-conditional label noise, as in the
/// paper's setting (a weak labeler whose errors depend on the true class).
/// </summary>
internal sealed class SyntheticData
{
    private SyntheticData(float[][] features, bool[] gold, PseudoLabel[] noisy)
    {
        Features = features.Select(f => (ReadOnlyMemory<float>)f).ToArray();
        Gold = gold;
        Noisy = noisy;
    }

    public IReadOnlyList<ReadOnlyMemory<float>> Features { get; }

    public bool[] Gold { get; }

    public PseudoLabel[] Noisy { get; }

    /// <summary>
    /// Draws <paramref name="n"/> items: y = +1 with probability <paramref name="pi"/>; x ~ N(+mu, I) or N(-mu, I) with
    /// |mu| = <paramref name="separation"/> / 2 along a random direction; the noisy label flips a positive with
    /// probability <paramref name="flipPositive"/> and a negative with <paramref name="flipNegative"/>, and abstains
    /// with probability <paramref name="abstain"/>.
    /// </summary>
    public static SyntheticData TwoGaussians(int n, int dim, double pi, double flipPositive, double flipNegative, int seed,
        double separation = 4.0, double abstain = 0.0)
    {
        var rng = new Random(seed);
        var direction = new double[dim];
        double norm = 0;
        for (int j = 0; j < dim; j++)
        {
            direction[j] = Normal(rng);
            norm += direction[j] * direction[j];
        }
        norm = Math.Sqrt(norm);
        var features = new float[n][];
        var gold = new bool[n];
        var noisy = new PseudoLabel[n];
        for (int i = 0; i < n; i++)
        {
            bool y = rng.NextDouble() < pi;
            gold[i] = y;
            var row = new float[dim];
            double shift = (y ? 1 : -1) * separation / 2;
            for (int j = 0; j < dim; j++)
            {
                row[j] = (float)(Normal(rng) + shift * direction[j] / norm);
            }
            features[i] = row;
            bool flip = rng.NextDouble() < (y ? flipPositive : flipNegative);
            bool label = y ^ flip;
            noisy[i] = rng.NextDouble() < abstain ? PseudoLabel.Abstained : label ? PseudoLabel.Positive : PseudoLabel.Negative;
        }
        return new SyntheticData(features, gold, noisy);
    }

    public double Accuracy(IReadOnlyList<PseudoLabel> labels)
    {
        int correct = 0;
        for (int i = 0; i < Gold.Length; i++)
        {
            if ((labels[i] == PseudoLabel.Positive) == Gold[i])
            {
                correct++;
            }
        }
        return (double)correct / Gold.Length;
    }

    private static double Normal(Random rng)
    {
        double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
