using System.Globalization;

namespace UuLearning;

/// <summary>
/// The few hand-checked items of a K-class task: their positions in the corpus and their gold class indices. This is the
/// only gold information the multi-class refinement may use.
/// </summary>
/// <remarks>Immutable and thread-safe. The constructor copies its inputs. Only uniformly random samples are supported
/// (the K-class estimators read the sample's class mix as the corpus's).</remarks>
public sealed class MultiClassLabeledSample
{
    private readonly LabeledSample _positions;
    private readonly int[] _labels;

    /// <summary>Creates a sample.</summary>
    /// <param name="indices">Zero-based positions of the labeled items; no duplicates, none negative.</param>
    /// <param name="labels">Gold class indices, each in [0, <paramref name="classCount"/>), one per index.</param>
    /// <param name="classCount">The number of classes K, at least 2.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The lengths differ, the sample is empty, or an index is negative or repeated.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="classCount"/> is below 2 or a label is outside [0, K).</exception>
    public MultiClassLabeledSample(IReadOnlyList<int> indices, IReadOnlyList<int> labels, int classCount)
    {
        ArgumentNullException.ThrowIfNull(indices);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 2);
        for (int k = 0; k < labels.Count; k++)
        {
            if (labels[k] < 0 || labels[k] >= classCount)
            {
                throw new ArgumentOutOfRangeException(nameof(labels), labels[k], string.Create(CultureInfo.InvariantCulture,
                    $"Gold label {labels[k]} (entry {k}) is not a class index in [0, {classCount})."));
            }
        }
        // The binary sample holds the positions: it checks lengths, emptiness and duplicate indices with the same messages.
        _positions = new LabeledSample(indices, new bool[labels.Count]);
        _labels = labels.ToArray();
        ClassCount = classCount;
    }

    /// <summary>Zero-based positions of the labeled items.</summary>
    public IReadOnlyList<int> Indices => _positions.Indices;

    /// <summary>Gold class indices, aligned with <see cref="Indices"/>.</summary>
    public IReadOnlyList<int> Labels => _labels;

    /// <summary>The number of classes K.</summary>
    public int ClassCount { get; }

    /// <summary>The number of labeled items.</summary>
    public int Count => _labels.Length;

    /// <summary>Throws when an index does not fit a corpus of <paramref name="corpusSize"/> items.</summary>
    /// <param name="corpusSize">The corpus size.</param>
    /// <param name="paramName">The parameter name to report.</param>
    /// <exception cref="ArgumentOutOfRangeException">An index is not below <paramref name="corpusSize"/>.</exception>
    public void EnsureFits(int corpusSize, string? paramName = null) => _positions.EnsureFits(corpusSize, paramName);

    /// <summary>
    /// Draws <paramref name="size"/> items uniformly at random without replacement and labels them from
    /// <paramref name="gold"/>. The items drawn are those <see cref="LabeledSample.DrawUniform"/> draws for the same corpus
    /// size and seed, so binary and K-class evaluations can share their draws.
    /// </summary>
    /// <param name="gold">The gold class index of every corpus item.</param>
    /// <param name="classCount">The number of classes K.</param>
    /// <param name="size">Number of items, from 1 to the corpus size.</param>
    /// <param name="seed">Seed of the draw.</param>
    /// <returns>The sample, indices in increasing order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="gold"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="size"/> is out of range or a gold label is not a class index.</exception>
    public static MultiClassLabeledSample DrawUniform(IReadOnlyList<int> gold, int classCount, int size, int seed)
    {
        ArgumentNullException.ThrowIfNull(gold);
        var drawn = LabeledSample.DrawUniform(new bool[gold.Count], size, seed);
        return new MultiClassLabeledSample(drawn.Indices, drawn.Indices.Select(i => gold[i]).ToArray(), classCount);
    }
}
