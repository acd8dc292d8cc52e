using System.Globalization;

namespace UuLearning;

/// <summary>
/// The data side of one fit: which pseudo-labeled items are trained on and which are held out, how many batches an epoch
/// has, and each epoch's shuffled batch order. Seeded per fit, so a fit's plan is the same whether it is trained alone or
/// stacked with other folds' fits. A cross-fitting fit's plan may instead take its batches from the round's
/// <see cref="SharedBatches"/> (<see cref="ShareBatches"/>): batch b of every fit is then its part of one common batch b.
/// </summary>
internal sealed class FitPlan
{
    private readonly Random _rng;
    private readonly int _fit;
    private int _epochs;

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

    private FitPlan(FitPlan own, SharedBatches shared, int fit, int epochs, double warmupFraction)
    {
        TrainPos = own.TrainPos;
        TrainNeg = own.TrainNeg;
        HeldPos = own.HeldPos;
        HeldNeg = own.HeldNeg;
        _rng = own._rng;
        Shared = shared;
        _fit = fit;
        Batches = shared.Batches;
        TotalSteps = (long)Batches * epochs;
        WarmupSteps = (long)Math.Floor(warmupFraction * TotalSteps);
    }

    /// <summary>The common batches this plan takes its batches from, or null when it shuffles its own.</summary>
    public SharedBatches? Shared { get; }

    /// <summary>Which of <see cref="Shared"/>'s fits this plan is.</summary>
    public int Fit => _fit;

    public int[] TrainPos { get; }

    public int[] TrainNeg { get; }

    public int[] HeldPos { get; }

    public int[] HeldNeg { get; }

    public int TrainingItems => TrainPos.Length + TrainNeg.Length;

    public int HeldOutItems => HeldPos.Length + HeldNeg.Length;

    public int Batches { get; }

    /// <summary>Positives per batch (0 with <see cref="Shared"/>).</summary>
    public int PerBatchPos { get; }

    /// <summary>Negatives per batch (0 with <see cref="Shared"/>).</summary>
    public int PerBatchNeg { get; }

    /// <summary>The longest batch: its share of positives plus its share of negatives.</summary>
    public int MaxBatchLength => Shared?.MaxBatchLength ?? (PerBatchPos + PerBatchNeg);

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

    /// <summary>
    /// The plans of a cross-fitting round turned into views of one <see cref="SharedBatches"/>: each keeps its training
    /// and held-out items, and its batch b becomes the part of common batch b it trains on.
    /// </summary>
    /// <param name="plans">Fit f's own plan (fold f left out), as <see cref="Create"/> made it.</param>
    /// <param name="fold">Each item's fold (fit f leaves fold f out).</param>
    /// <param name="labels">The round's labels.</param>
    /// <param name="options">Batch size, epochs, warm-up.</param>
    /// <param name="seed">Seeds the common shuffles.</param>
    public static FitPlan[] ShareBatches(FitPlan[] plans, int[] fold, IReadOnlyList<PseudoLabel> labels, UuTrainerOptions options, long seed)
    {
        var shared = SharedBatches.Create(plans, fold, labels, options, seed);
        return plans.Select((p, f) => new FitPlan(p, shared, f, options.Epochs, options.WarmupFraction)).ToArray();
    }

    /// <summary>Shuffles for the next epoch and writes its order: batch k holds its slice of the positive and of the
    /// negative permutation, at <c>bounds[k]</c> in <paramref name="order"/> (length at least Batches x MaxBatchLength);
    /// with <see cref="Shared"/>, its part of the common batch k.</summary>
    public void NextEpoch(long[] order, (int Start, int Length)[] bounds)
    {
        if (Shared is not null)
        {
            Shared.WriteFit(++_epochs, _fit, order, bounds);
            return;
        }
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

    internal static void Shuffle(int[] a, Random rng)
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
