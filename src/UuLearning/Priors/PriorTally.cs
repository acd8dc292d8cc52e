using System.Runtime.InteropServices;

namespace UuLearning;

/// <summary>
/// The counts every prior estimator starts from, gathered in one pass over the corpus and the sample, with the input
/// checks all estimators share.
/// </summary>
/// <param name="CorpusSize">Non-abstained corpus items.</param>
/// <param name="PseudoPositive">Corpus items pseudo-labeled +1.</param>
/// <param name="SampleSize">Sample items with a non-abstained pseudo-label.</param>
/// <param name="SamplePseudoPositive">Sample items pseudo-labeled +1.</param>
/// <param name="PseudoPositiveGoldPositive">Sample items pseudo-labeled +1 with a positive gold label.</param>
/// <param name="PseudoNegativeGoldPositive">Sample items pseudo-labeled -1 with a positive gold label.</param>
internal readonly record struct PriorTally(
    int CorpusSize,
    int PseudoPositive,
    int SampleSize,
    int SamplePseudoPositive,
    int PseudoPositiveGoldPositive,
    int PseudoNegativeGoldPositive)
{
    /// <summary>The pseudo-positive share of the corpus.</summary>
    public double Rho => (double)PseudoPositive / CorpusSize;

    /// <summary>Sample items pseudo-labeled -1.</summary>
    public int SamplePseudoNegative => SampleSize - SamplePseudoPositive;

    /// <summary>Sample items with a positive gold label.</summary>
    public int SampleGoldPositive => PseudoPositiveGoldPositive + PseudoNegativeGoldPositive;

    /// <summary>Sample items with a negative gold label.</summary>
    public int SampleGoldNegative => SampleSize - SampleGoldPositive;

    /// <summary>Sample items with a negative gold label pseudo-labeled +1.</summary>
    public int PseudoPositiveGoldNegative => SamplePseudoPositive - PseudoPositiveGoldPositive;

    /// <summary>The public counts record.</summary>
    public PriorCounts ToCounts() => new(CorpusSize, PseudoPositive, SampleSize, SamplePseudoPositive,
        PseudoPositiveGoldPositive, PseudoNegativeGoldPositive, SampleGoldPositive);

    /// <summary>Checks the arguments, counts the corpus and the sample, and checks that both pseudo-labeled sets are non-empty.</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A sample index is outside the corpus.</exception>
    /// <exception cref="InvalidOperationException">The corpus has no pseudo-positive or no pseudo-negative item.</exception>
    public static PriorTally Count(IReadOnlyList<PseudoLabel> pseudoLabels, LabeledSample sample)
    {
        ArgumentNullException.ThrowIfNull(pseudoLabels);
        ArgumentNullException.ThrowIfNull(sample);
        sample.EnsureFits(pseudoLabels.Count, nameof(sample));

        int positive;
        int negative;
        if (pseudoLabels is PseudoLabel[] array)
        {
            CountSpan(array, out positive, out negative);
        }
        else if (pseudoLabels is List<PseudoLabel> list)
        {
            CountSpan(CollectionsMarshal.AsSpan(list), out positive, out negative);
        }
        else
        {
            positive = 0;
            negative = 0;
            for (int i = 0; i < pseudoLabels.Count; i++)
            {
                switch (pseudoLabels[i])
                {
                    case PseudoLabel.Positive: positive++; break;
                    case PseudoLabel.Negative: negative++; break;
                }
            }
        }

        if (positive == 0 || negative == 0)
        {
            string which = positive == 0 ? "pseudo-positive (+1)" : "pseudo-negative (-1)";
            throw new InvalidOperationException(
                $"The {which} set is empty ({positive} items labeled +1, {negative} labeled -1, {pseudoLabels.Count - positive - negative} abstained): UU learning needs items in both pseudo-labeled sets. Check the labeler's output (a constant answer or a polarity mix-up) or use a better initial labeler.");
        }

        int used = 0, samplePositive = 0, ppgp = 0, pngp = 0;
        var indices = sample.Indices;
        var labels = sample.Labels;
        for (int i = 0; i < indices.Count; i++)
        {
            var label = pseudoLabels[indices[i]];
            if (label == PseudoLabel.Abstained)
            {
                continue;
            }
            used++;
            if (label == PseudoLabel.Positive)
            {
                samplePositive++;
                if (labels[i])
                {
                    ppgp++;
                }
            }
            else if (labels[i])
            {
                pngp++;
            }
        }

        return new PriorTally(positive + negative, positive, used, samplePositive, ppgp, pngp);
    }

    private static void CountSpan(ReadOnlySpan<PseudoLabel> labels, out int positive, out int negative)
    {
        var raw = MemoryMarshal.Cast<PseudoLabel, sbyte>(labels);
        positive = raw.Count((sbyte)PseudoLabel.Positive);
        negative = raw.Count((sbyte)PseudoLabel.Negative);
    }
}
