using MathNet.Numerics.Random;

namespace UuLearning;

/// <summary>
/// The few hand-checked items: their positions in the corpus, their gold labels, and how they were drawn.
/// This is the only gold information the refinement loop may use.
/// </summary>
/// <remarks>Immutable and thread-safe. The constructor copies its inputs.</remarks>
public sealed class LabeledSample
{
    private readonly int[] _indices;
    private readonly bool[] _labels;

    /// <summary>Creates a labeled sample.</summary>
    /// <param name="indices">Zero-based positions of the labeled items in the corpus; no duplicates, none negative.</param>
    /// <param name="labels">Gold labels, <see langword="true"/> for the positive class, one per index.</param>
    /// <param name="design">How the items were drawn; see <see cref="SampleDesign"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="indices"/> or <paramref name="labels"/> is null.</exception>
    /// <exception cref="ArgumentException">The lengths differ, an index is negative or repeated, or the sample is empty.</exception>
    public LabeledSample(IReadOnlyList<int> indices, IReadOnlyList<bool> labels, SampleDesign design = SampleDesign.UniformRandom)
    {
        ArgumentNullException.ThrowIfNull(indices);
        ArgumentNullException.ThrowIfNull(labels);
        if (indices.Count != labels.Count)
        {
            throw new ArgumentException(
                $"The sample has {indices.Count} indices but {labels.Count} labels; give one gold label per index.", nameof(labels));
        }
        if (indices.Count == 0)
        {
            throw new ArgumentException("The labeled sample is empty; label at least a few items of each class (about 50 in all is typical).", nameof(indices));
        }
        if (!Enum.IsDefined(design))
        {
            throw new ArgumentOutOfRangeException(nameof(design), design, "Unknown sample design.");
        }

        _indices = indices.ToArray();
        _labels = labels.ToArray();
        var seen = new HashSet<int>();
        for (int i = 0; i < _indices.Length; i++)
        {
            if (_indices[i] < 0)
            {
                throw new ArgumentException($"Sample index {_indices[i]} (entry {i}) is negative.", nameof(indices));
            }
            if (!seen.Add(_indices[i]))
            {
                throw new ArgumentException($"Sample index {_indices[i]} appears more than once; each item may be labeled once.", nameof(indices));
            }
        }
        Design = design;
    }

    /// <summary>Zero-based positions of the labeled items in the corpus.</summary>
    public IReadOnlyList<int> Indices => _indices;

    /// <summary>Gold labels (<see langword="true"/> = positive), aligned with <see cref="Indices"/>.</summary>
    public IReadOnlyList<bool> Labels => _labels;

    /// <summary>How the sample was drawn.</summary>
    public SampleDesign Design { get; }

    /// <summary>The number of labeled items.</summary>
    public int Count => _indices.Length;

    /// <summary>Throws when an index does not fit a corpus of <paramref name="corpusSize"/> items.</summary>
    /// <param name="corpusSize">The number of items in the corpus.</param>
    /// <param name="paramName">The parameter name to report.</param>
    /// <exception cref="ArgumentOutOfRangeException">An index is not below <paramref name="corpusSize"/>.</exception>
    public void EnsureFits(int corpusSize, string? paramName = null)
    {
        for (int i = 0; i < _indices.Length; i++)
        {
            if (_indices[i] >= corpusSize)
            {
                throw new ArgumentOutOfRangeException(paramName ?? "sample",
                    $"Sample index {_indices[i]} (entry {i}) is outside the corpus of {corpusSize} items (valid: 0 to {corpusSize - 1}).");
            }
        }
    }

    /// <summary>
    /// Draws a sample of <paramref name="size"/> items uniformly at random without replacement and labels it from
    /// <paramref name="gold"/>: how an evaluation simulates a user who hand-checks randomly chosen items.
    /// </summary>
    /// <param name="gold">The gold label of every corpus item (<see langword="true"/> = positive).</param>
    /// <param name="size">Number of items to draw, from 1 to the corpus size.</param>
    /// <param name="seed">Seed of the draw; the same arguments always give the same sample.</param>
    /// <returns>A <see cref="SampleDesign.UniformRandom"/> sample, indices in increasing order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="gold"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="size"/> is not between 1 and the corpus size.</exception>
    public static LabeledSample DrawUniform(IReadOnlyList<bool> gold, int size, int seed)
    {
        ArgumentNullException.ThrowIfNull(gold);
        if (size < 1 || size > gold.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(size), size,
                $"The sample size must be between 1 and the corpus size ({gold.Count}).");
        }
        var random = new MersenneTwister(seed, threadSafe: false);
        var indices = DrawSubset(gold.Count, size, random);
        var labels = new bool[size];
        for (int i = 0; i < size; i++)
        {
            labels[i] = gold[indices[i]];
        }
        return new LabeledSample(indices, labels, SampleDesign.UniformRandom);
    }

    /// <summary>
    /// Draws a class-stratified sample: <c>size / 2</c> (rounded down) gold positives and the rest gold negatives, each
    /// uniformly at random without replacement within its class, as in the paper's few-label setting.
    /// </summary>
    /// <param name="gold">The gold label of every corpus item (<see langword="true"/> = positive).</param>
    /// <param name="size">Total number of items to draw, at least 2.</param>
    /// <param name="seed">Seed of the draw; the same arguments always give the same sample.</param>
    /// <returns>A <see cref="SampleDesign.StratifiedByClass"/> sample, positives first, each group in increasing index order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="gold"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="size"/> is below 2, or a class has fewer items than
    /// its share of the sample.</exception>
    public static LabeledSample DrawStratified(IReadOnlyList<bool> gold, int size, int seed)
    {
        ArgumentNullException.ThrowIfNull(gold);
        if (size < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(size), size, "A stratified sample needs at least 2 items (one per class).");
        }
        var positives = new List<int>();
        var negatives = new List<int>();
        for (int i = 0; i < gold.Count; i++)
        {
            (gold[i] ? positives : negatives).Add(i);
        }
        int wantPositive = size / 2;
        int wantNegative = size - wantPositive;
        if (positives.Count < wantPositive || negatives.Count < wantNegative)
        {
            throw new ArgumentOutOfRangeException(nameof(size), size,
                $"A stratified sample of {size} needs {wantPositive} gold positives and {wantNegative} gold negatives, but the corpus has {positives.Count} and {negatives.Count}.");
        }

        var random = new MersenneTwister(seed, threadSafe: false);
        var indices = new int[size];
        var labels = new bool[size];
        var fromPositives = DrawSubset(positives.Count, wantPositive, random);
        var fromNegatives = DrawSubset(negatives.Count, wantNegative, random);
        for (int i = 0; i < wantPositive; i++)
        {
            indices[i] = positives[fromPositives[i]];
            labels[i] = true;
        }
        for (int i = 0; i < wantNegative; i++)
        {
            indices[wantPositive + i] = negatives[fromNegatives[i]];
        }
        return new LabeledSample(indices, labels, SampleDesign.StratifiedByClass);
    }

    /// <summary>A uniform random subset of {0, ..., n - 1} of the given size (Floyd's algorithm), sorted.</summary>
    private static int[] DrawSubset(int n, int size, Random random)
    {
        var chosen = new HashSet<int>(size);
        for (int j = n - size; j < n; j++)
        {
            int t = random.Next(j + 1);
            if (!chosen.Add(t))
            {
                chosen.Add(j);
            }
        }
        var result = chosen.ToArray();
        Array.Sort(result);
        return result;
    }
}
