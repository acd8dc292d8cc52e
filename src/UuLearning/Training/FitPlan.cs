using System.Globalization;

namespace UuLearning;

/// <summary>
/// The data side of one fit: which pseudo-labeled items are trained on and which are held out, how many batches an epoch
/// has, and each epoch's shuffled batch order. Seeded per fit, so a fit's plan is the same whether it is trained alone or
/// stacked with other folds' fits.
/// </summary>
internal sealed class FitPlan
{
    private readonly Random _rng;

    private FitPlan(int[] trainPos, int[] trainNeg, int[] heldPos, int[] heldNeg, int batchSize, int epochs, double warmupFraction, Random rng)
    {
        TrainPos = trainPos;
        TrainNeg = trainNeg;
        HeldPos = heldPos;
        HeldNeg = heldNeg;
        _rng = rng;
        int nTrain = trainPos.Length + trainNeg.Length;
        Batches = Math.Max(1, (nTrain + batchSize - 1) / batchSize);
        PerBatchPos = Math.Max(1, (trainPos.Length + Batches - 1) / Batches);
        PerBatchNeg = Math.Max(1, (trainNeg.Length + Batches - 1) / Batches);
        TotalSteps = (long)Batches * epochs;
        WarmupSteps = (long)Math.Floor(warmupFraction * TotalSteps);
    }

    public int[] TrainPos { get; }

    public int[] TrainNeg { get; }

    public int[] HeldPos { get; }

    public int[] HeldNeg { get; }

    public int TrainingItems => TrainPos.Length + TrainNeg.Length;

    public int HeldOutItems => HeldPos.Length + HeldNeg.Length;

    public int Batches { get; }

    public int PerBatchPos { get; }

    public int PerBatchNeg { get; }

    /// <summary>The longest batch: its share of positives plus its share of negatives.</summary>
    public int MaxBatchLength => PerBatchPos + PerBatchNeg;

    public long TotalSteps { get; }

    public long WarmupSteps { get; }

    /// <summary>Splits each pseudo-labeled set of <paramref name="labels"/> (abstentions left out) into training and held-out items.</summary>
    /// <exception cref="InvalidOperationException">A pseudo-labeled set is empty.</exception>
    public static FitPlan Create(IReadOnlyList<PseudoLabel> labels, UuTrainerOptions options, long seed)
    {
        var positives = new List<int>();
        var negatives = new List<int>();
        for (int i = 0; i < labels.Count; i++)
        {
            if (labels[i] == PseudoLabel.Positive)
            {
                positives.Add(i);
            }
            else if (labels[i] == PseudoLabel.Negative)
            {
                negatives.Add(i);
            }
        }
        if (positives.Count == 0 || negatives.Count == 0)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"UU learning needs items in both pseudo-labeled sets, but there are {positives.Count} pseudo-positive and {negatives.Count} pseudo-negative items. Check the initial labels."));
        }
        var rng = new Random((int)seed);
        var (trainPos, heldPos) = Split(positives, options.HoldoutFraction, rng);
        var (trainNeg, heldNeg) = Split(negatives, options.HoldoutFraction, rng);
        return new FitPlan(trainPos, trainNeg, heldPos, heldNeg, options.BatchSize, options.Epochs, options.WarmupFraction, rng);
    }

    /// <summary>Shuffles for the next epoch and writes its order: batch k holds its slice of the positive and of the
    /// negative permutation, at <c>bounds[k]</c> in <paramref name="order"/> (length at least Batches x MaxBatchLength).</summary>
    public void NextEpoch(long[] order, (int Start, int Length)[] bounds)
    {
        Shuffle(TrainPos, _rng);
        Shuffle(TrainNeg, _rng);
        int len = 0;
        for (int k = 0; k < Batches; k++)
        {
            int start = len;
            len = Append(order, len, TrainPos, k * PerBatchPos, PerBatchPos);
            len = Append(order, len, TrainNeg, k * PerBatchNeg, PerBatchNeg);
            bounds[k] = (start, len - start);
        }
    }

    private static (int[] Train, int[] Held) Split(List<int> items, double fraction, Random rng)
    {
        var copy = items.ToArray();
        Shuffle(copy, rng);
        int held = items.Count >= 2 ? (int)Math.Round(fraction * items.Count) : 0;
        held = Math.Min(held, items.Count - 1);
        var heldOut = copy.AsSpan(0, held).ToArray();
        Array.Sort(heldOut);
        return (copy.AsSpan(held).ToArray(), heldOut);
    }

    private static void Shuffle(int[] a, Random rng)
    {
        for (int i = a.Length - 1; i > 0; i--)
        {
            int j = rng.Next(i + 1);
            (a[i], a[j]) = (a[j], a[i]);
        }
    }

    private static int Append(long[] order, int len, int[] source, int start, int count)
    {
        int end = Math.Min(source.Length, start + count);
        for (int i = start; i < end; i++)
        {
            order[len++] = source[i];
        }
        return len;
    }
}
