namespace UuLearning;

/// <summary>
/// One batch sequence per epoch for all the fits of a cross-fitting round: common batch b holds a slice of every
/// (fold, pseudo-label) group, and fit f's batch b is the part of it that fit f trains on (items outside fold f that
/// fit f does not hold out). A row read once then serves every fit that trains on it, which is what lets
/// <see cref="ManagedLinearFits"/> train K folds for little more than the memory traffic of one fit.
/// </summary>
/// <remarks>
/// <para>Fold isolation: fit f's batches depend only on the items and labels of the other folds. Each group is
/// shuffled by its own generator (seeded by the round, the epoch and the group, never by labels), its slice per
/// batch depends only on its own size, and the number of batches only on how many items are pseudo-labeled; so
/// changing fold f's labels (or its items' order) does not change the order in which fit f sees the others.</para>
/// <para>The number of batches is chosen so that a fit gets about <c>BatchSize</c> items per batch, as a fit with its
/// own plan would: the pseudo-labeled items times (K - 1) / K times the share not held out, over the batch size.</para>
/// </remarks>
internal sealed class SharedBatches
{
    private readonly int[][] _items; // group 2k: fold k's pseudo-positives, 2k + 1: its pseudo-negatives, in item order
    private readonly int[][] _groups; // the same, shuffled for the current epoch
    private readonly long _seed;
    private int _epoch;

    private SharedBatches(int[][] groups, ulong[] members, int batches, long seed)
    {
        _items = groups;
        _groups = groups.Select(g => (int[])g.Clone()).ToArray();
        Members = members;
        Batches = batches;
        _seed = seed;
        // A group puts the floor or the ceiling of its size over the batch count into each batch.
        MaxBatchLength = Math.Max(1, groups.Sum(g => (g.Length + batches - 1) / batches));
        Order = new long[Batches * MaxBatchLength];
        Bounds = new (int Start, int Length)[Batches];
    }

    /// <summary>Batches per epoch (the same for every fit).</summary>
    public int Batches { get; }

    /// <summary>The longest common batch.</summary>
    public int MaxBatchLength { get; }

    /// <summary>Per item, bit f set when fit f trains on it.</summary>
    public ulong[] Members { get; }

    /// <summary>The current epoch's common order (batch b at <see cref="Bounds"/>[b]).</summary>
    public long[] Order { get; }

    /// <summary>The current epoch's batches in <see cref="Order"/>.</summary>
    public (int Start, int Length)[] Bounds { get; }

    /// <summary>The common batches of the fits whose own plans are <paramref name="plans"/> (fit f leaves fold f out).</summary>
    public static SharedBatches Create(FitPlan[] plans, int[] fold, IReadOnlyList<PseudoLabel> labels, UuTrainerOptions options, long seed)
    {
        int k = plans.Length;
        if (k > 64)
        {
            throw new ArgumentOutOfRangeException(nameof(plans), k, "At most 64 fits can share batches.");
        }
        var members = new ulong[labels.Count];
        for (int f = 0; f < k; f++)
        {
            ulong bit = 1UL << f;
            foreach (int i in plans[f].TrainPos)
            {
                members[i] |= bit;
            }
            foreach (int i in plans[f].TrainNeg)
            {
                members[i] |= bit;
            }
        }
        var groups = new List<int>[2 * k];
        for (int g = 0; g < groups.Length; g++)
        {
            groups[g] = new List<int>();
        }
        int labeled = 0;
        for (int i = 0; i < labels.Count; i++)
        {
            if (labels[i] != PseudoLabel.Abstained)
            {
                labeled++;
                groups[(2 * fold[i]) + (labels[i] == PseudoLabel.Positive ? 0 : 1)].Add(i);
            }
        }
        double perFit = labeled * (k - 1.0) / k * (1 - options.HoldoutFraction);
        int batches = Math.Max(1, (int)Math.Ceiling(perFit / options.BatchSize));
        return new SharedBatches(groups.Select(g => g.ToArray()).ToArray(), members, batches, seed);
    }

    /// <summary>Writes fit <paramref name="fit"/>'s part of epoch <paramref name="epoch"/>'s common batches (the common
    /// order is made once per epoch and reused by every fit asking for it).</summary>
    public void WriteFit(int epoch, int fit, long[] order, (int Start, int Length)[] bounds)
    {
        MakeEpoch(epoch);
        ulong bit = 1UL << fit;
        int len = 0;
        for (int b = 0; b < Batches; b++)
        {
            int start = len;
            var (from, count) = Bounds[b];
            for (int j = from; j < from + count; j++)
            {
                if ((Members[Order[j]] & bit) != 0)
                {
                    order[len++] = Order[j];
                }
            }
            bounds[b] = (start, len - start);
        }
    }

    private void MakeEpoch(int epoch)
    {
        if (epoch == _epoch)
        {
            return;
        }
        for (int g = 0; g < _groups.Length; g++)
        {
            // Each group has its own generator per epoch, shuffling from item order: shuffling one group never moves
            // another, and any epoch can be made again (the fold-by-fold path replays them fit after fit).
            _items[g].CopyTo(_groups[g], 0);
            FitPlan.Shuffle(_groups[g], new Random((int)UuTrainer.RoundSeed((int)_seed, epoch, g)));
        }
        int len = 0;
        for (int b = 0; b < Batches; b++)
        {
            int start = len;
            for (int g = 0; g < _groups.Length; g++)
            {
                // Batch b holds the group's items [b |g| / B, (b + 1) |g| / B): floor or ceiling of |g| / B each.
                var group = _groups[g];
                int end = (int)((long)(b + 1) * group.Length / Batches);
                for (int j = (int)((long)b * group.Length / Batches); j < end; j++)
                {
                    Order[len++] = group[j];
                }
            }
            Bounds[b] = (start, len - start);
        }
        _epoch = epoch;
    }
}
