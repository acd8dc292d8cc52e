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
}
