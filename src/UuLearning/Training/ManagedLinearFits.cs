using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using TorchSharp;
using static TorchSharp.torch;

namespace UuLearning;

/// <summary>
/// <see cref="IStackedFits"/> for the linear head on the CPU, in managed code: the scores, the risk's gradient (in
/// closed form, below), the weight gradient and AdamW (torch's formulation) for each fit, with
/// <see cref="TensorPrimitives"/> for the row products. A linear step at batch 64 is a few tens of thousands of
/// multiply-adds, which TorchSharp spends most of its time calling into native code for; here it is a few microseconds.
/// The fits are independent, so they run in parallel (each thread takes some of the fits, joined once per epoch), and
/// each fit's arithmetic is the same whatever the thread count: results are bit-for-bit repeatable. Cross-fitting's fits
/// share their batches (<see cref="SharedBatches"/>): a thread walks the common batches once and reads each row once for
/// all of its fits that train on it, so K folds cost K fits' arithmetic but about one fit's memory traffic. The
/// exponentials of a batch (one per item) are computed together with <c>TensorPrimitives.Exp</c>.
/// </summary>
/// <remarks>
/// <para>The gradient. With item i's score s_i, set weights m_i (in U_p) and n_i (in U_n), n_P = max(1, sum m),
/// n_N = max(1, sum n), the surrogate's losses l+(s) (of being positive) and l-(s) = l+(-s), the partial risks are
/// R_p^+ = sum m l+ / n_P, R_p^- = sum m l- / n_P, R_n^+ = sum n l+ / n_N, R_n^- = sum n l- / n_N, and
/// P = a R_p^+ - c R_n^+, N = d R_n^- - b R_p^-. The robust risk is f(P) + f(N) with f(x) = x for x &gt;= 0 and
/// lambda x otherwise (the unbiased risk: P + N; PN: pi R_p^+ + (1 - pi) R_n^-), so
/// dR/ds_i = f'(P) (a m_i / n_P - c n_i / n_N) l+'(s_i) + f'(N) (d n_i / n_N - b m_i / n_P) l-'(s_i), with
/// f'(x) = 1 for x &gt;= 0 and lambda otherwise (torch's subgradient of <c>where(x &gt;= 0, x, lambda x)</c>).
/// Sigmoid surrogate: l+(s) = sigmoid(-s), l+' = -sigmoid(s) sigmoid(-s), l-' = sigmoid(s) sigmoid(-s); logistic:
/// l+(s) = softplus(-s), l+' = -sigmoid(-s), l-' = sigmoid(s). The weight gradient is sum_i dR/ds_i x_i; the bias's,
/// sum_i dR/ds_i.</para>
/// </remarks>
internal sealed class ManagedLinearFits : IStackedFits
{
    private readonly ManagedRows _rows;
    private readonly int _d;
    private readonly bool[] _positive;
    private readonly float[][] _w; // per fit: d weights, then the bias
    private readonly float[][] _m;
    private readonly float[][] _v;
    private float[][]? _snapshot;
    private long[][]? _held;
    private readonly ClassPriors _priors;
    private readonly UuTrainerOptions _options;
    private readonly int _threads;

    private ManagedLinearFits(ManagedRows rows, bool[] positive, float[][] w, ClassPriors priors, UuTrainerOptions options, int threads)
    {
        _d = rows.Dimension;
        _rows = rows;
        _positive = positive;
        _w = w;
        _m = w.Select(p => new float[p.Length]).ToArray();
        _v = w.Select(p => new float[p.Length]).ToArray();
        _priors = priors;
        _options = options;
        _threads = threads;
    }

    /// <summary>Rows are held sparse when at most this share of the features are non-zero. A sparse row costs about one
    /// scalar operation per non-zero against one sixteenth of an operation per feature for a dense AVX-512 row, so
    /// sparse wins only below a few percent: the default hashed features (4,096 dimensions with character n-grams) are
    /// about 22 % non-zero on refusal-xstest and trained 1.4 to 1.6 times slower as sparse rows.</summary>
    internal const double SparseDensity = 0.03;

    /// <inheritdoc />
    public int Count => _w.Length;

    /// <summary>Whether fits whose plans share batches read each row once for all of them (true; tests turn it off to
    /// compare with each fit walking its own part of the batches).</summary>
    internal bool ShareRows { get; set; } = true;

    /// <summary>Whether the rows are held sparse (for tests).</summary>
    internal bool IsSparse => _rows.RowStart is not null;

    /// <summary>Whether this engine can train <paramref name="options"/>' scorer on <paramref name="x"/>: a linear head,
    /// features on the CPU, and a matrix that fits one managed array.</summary>
    public static bool Supports(UuTrainerOptions options, Tensor x) =>
        options.Scorer.Kind == "linear" && x.device.type == DeviceType.CPU && x.dtype == ScalarType.Float32 && x.numel() * sizeof(float) <= int.MaxValue;

    /// <summary>
    /// Creates the fits, scorer k initialised exactly as the linear module created after <c>torch.manual_seed(seeds[k])</c>.
    /// </summary>
    /// <param name="x">The [N, D] float32 features on the CPU (copied).</param>
    /// <param name="labels">The pseudo-labels that say which set an item counts in.</param>
    /// <param name="seeds">One initialisation seed per fit.</param>
    /// <param name="priors">The priors of the objective.</param>
    /// <param name="options">Objective, surrogate, lambda, weight decay and scorer (linear).</param>
    /// <param name="threads">How many fits may run at once.</param>
    /// <param name="sparseDensity">The share of non-zeros at or below which rows are held sparse (tests force either way).</param>
    /// <param name="rows">The managed copy of <paramref name="x"/> when the caller keeps one (made here otherwise).</param>
    public static ManagedLinearFits Create(Tensor x, IReadOnlyList<PseudoLabel> labels, IReadOnlyList<long> seeds, ClassPriors priors, UuTrainerOptions options, int threads,
        double sparseDensity = SparseDensity, ManagedRows? rows = null)
    {
        int d = (int)x.shape[1];
        rows ??= ManagedRows.From(x, sparseDensity);
        var positive = new bool[labels.Count];
        for (int i = 0; i < positive.Length; i++)
        {
            positive[i] = labels[i] == PseudoLabel.Positive;
        }
        var w = new float[seeds.Count][];
        for (int k = 0; k < seeds.Count; k++)
        {
            torch.manual_seed(seeds[k]);
            using var module = options.Scorer.Create(d);
            var p = module.parameters().ToArray(); // weight [1, D], bias [1]
            w[k] = new float[d + 1];
            p[0].data<float>().ToArray().CopyTo(w[k], 0);
            w[k][d] = p[1].data<float>().ToArray()[0];
            foreach (var t in p)
            {
                t.Dispose();
            }
        }
        return new ManagedLinearFits(rows, positive, w, priors, options, Math.Max(1, threads));
    }

    /// <inheritdoc />
    public double[] TrainEpoch(FitPlan[] plans, long[][] orders, (int Start, int Length)[][] bounds, long[] stepCounts, double peakLearningRate, CancellationToken cancellationToken)
    {
        var shared = plans[0].Shared;
        if (ShareRows && shared is not null && plans.Select((p, f) => p.Shared == shared && p.Fit == f).All(ok => ok) && shared.Members.Length == _positive.Length)
        {
            return TrainSharedEpoch(shared, plans, stepCounts, peakLearningRate, cancellationToken);
        }
        var sums = new double[plans.Length];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Min(_threads, plans.Length), CancellationToken = cancellationToken };
        Parallel.For(0, plans.Length, parallel, f =>
        {
            var grad = new float[_d + 1];
            var scratch = new double[2 * plans[f].MaxBatchLength];
            var plan = plans[f];
            double sum = 0;
            long step = stepCounts[f];
            for (int b = 0; b < plan.Batches; b++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (bounds[f][b].Length == 0)
                {
                    continue;
                }
                double lr = UuTrainer.LearningRateAt(step, plan.TotalSteps, plan.WarmupSteps, peakLearningRate);
                step++;
                var items = orders[f].AsSpan(bounds[f][b].Start, bounds[f][b].Length);
                sum += Risk(items, _w[f], scratch, grad);
                ManagedAdamW.Step(_w[f], _m[f], _v[f], grad, lr, step, _options.WeightDecay);
            }
            stepCounts[f] = step;
            sums[f] = sum;
        });
        return sums;
    }

    /// <inheritdoc />
    public double[] HeldOutRisks(FitPlan[] plans)
    {
        _held ??= plans.Select(p => p.HeldPos.Concat(p.HeldNeg).Select(i => (long)i).ToArray()).ToArray();
        var risks = new double[plans.Length];
        var held = _held;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Min(_threads, plans.Length) };
        Parallel.For(0, plans.Length, parallel, f => risks[f] = Risk(held[f], _w[f], new double[2 * held[f].Length], gradient: null));
        return risks;
    }

    /// <inheritdoc />
    public void Snapshot(bool[] take)
    {
        _snapshot ??= _w.Select(p => (float[])p.Clone()).ToArray();
        for (int f = 0; f < _w.Length; f++)
        {
            if (take[f])
            {
                _w[f].CopyTo(_snapshot[f], 0);
            }
        }
    }

    /// <inheritdoc />
    public void RestoreSnapshot()
    {
        if (_snapshot is null)
        {
            return;
        }
        for (int f = 0; f < _w.Length; f++)
        {
            _snapshot[f].CopyTo(_w[f], 0);
        }
    }

    /// <inheritdoc />
    public nn.Module<Tensor, Tensor> ToModule(int index, ScorerArchitecture architecture, int inputDimension, Device device)
    {
        var module = architecture.Create(inputDimension);
        try
        {
            using var noGrad = torch.no_grad();
            using var scope = NewDisposeScope();
            var target = module.parameters().ToArray();
            target[0].copy_(torch.tensor(_w[index].AsSpan(0, _d).ToArray(), new long[] { 1, _d }));
            target[1].copy_(torch.tensor(new[] { _w[index][_d] }));
            module.to(device);
            return module;
        }
        catch
        {
            module.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public float[] ScoreOwnFold(int[] fold)
    {
        var result = new float[fold.Length];
        for (int i = 0; i < fold.Length; i++)
        {
            var w = _w[fold[i]];
            result[i] = (float)(_rows.Dot(i, w.AsSpan(0, _d)) + w[_d]);
        }
        return result;
    }

    /// <summary>Fit <paramref name="fit"/>'s parameters (D weights, then the bias), live: for tests.</summary>
    internal float[] Parameters(int fit) => _w[fit];

    /// <summary>The objective of fit <paramref name="fit"/> on <paramref name="items"/> and its gradient (D weights, then
    /// the bias) written to <paramref name="gradient"/>: for tests against autograd.</summary>
    internal double RiskAndGradient(long[] items, int fit, float[] gradient) => Risk(items, _w[fit], new double[2 * items.Length], gradient);

    /// <summary>The objective on <paramref name="items"/> with parameters <paramref name="w"/>; writes dR/dw into
    /// <paramref name="gradient"/> when given. <paramref name="scratch"/> is scratch space of at least twice the items' length.</summary>
    private double Risk(ReadOnlySpan<long> items, float[] w, double[] scratch, float[]? gradient)
    {
        int d = _d;
        var weights = w.AsSpan(0, d);
        var scores = scratch.AsSpan(0, items.Length);
        var sigmoids = scratch.AsSpan(items.Length, items.Length);
        for (int j = 0; j < items.Length; j++)
        {
            scores[j] = _rows.Dot(items[j], weights) + w[d];
        }
        return RiskOfScores(items, scores, sigmoids, gradient, out _);
    }

    /// <summary>The objective of <paramref name="items"/> given their <paramref name="scores"/>, and dR/dw written into
    /// <paramref name="gradient"/> when given (<paramref name="sigmoids"/>: scratch of the items' length);
    /// <paramref name="count"/> is how many items the batch holds (an empty batch is no step).</summary>
    private double RiskOfScores(ReadOnlySpan<long> items, ReadOnlySpan<double> scores, Span<double> sigmoids, float[]? gradient, out int count)
    {
        var sums = default(BatchSums);
        sums.AddAll(scores, items, _positive, _options.Surrogate, sigmoids);
        count = sums.Count;
        var slopes = SlopesOf(sums, out double risk);
        if (gradient is null)
        {
            return risk;
        }
        Array.Clear(gradient);
        var gw = gradient.AsSpan(0, _d);
        double gb = 0;
        for (int j = 0; j < items.Length; j++)
        {
            long i = items[j];
            double g = slopes.Of(sigmoids[j], _positive[i], _options.Surrogate);
            if (g != 0)
            {
                _rows.AddScaled(i, (float)g, gw);
                gb += g;
            }
        }
        gradient[_d] = (float)gb;
        return risk;
    }

    /// <summary>
    /// One epoch of fits that share batches (<see cref="SharedBatches"/>): each thread takes some of the fits and walks
    /// the common batches once, reading a row from memory once for all its fits that train on it to score them; each
    /// fit's risk and gradient then follow as in <see cref="Risk"/> on its own part of the batch, in the same order, so
    /// the result is the same bit for bit as training it on its own plan's batches.
    /// </summary>
    private double[] TrainSharedEpoch(SharedBatches shared, FitPlan[] plans, long[] stepCounts, double peakLearningRate, CancellationToken cancellationToken)
    {
        int k = plans.Length;
        int workers = Math.Min(_threads, k);
        var sums = new double[k];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = workers, CancellationToken = cancellationToken };
        Parallel.For(0, workers, parallel, t =>
        {
            int[] mine = Enumerable.Range(0, k).Where(f => f % workers == t).ToArray();
            int m = mine.Length;
            var grad = new float[_d + 1];
            var scores = mine.Select(_ => new double[shared.MaxBatchLength]).ToArray();
            var sigmoids = new double[shared.MaxBatchLength];
            var items = mine.Select(_ => new long[shared.MaxBatchLength]).ToArray();
            var counts = new int[m];
            for (int b = 0; b < shared.Batches; b++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var (start, length) = shared.Bounds[b];
                // The scores: each row read once for all of this thread's fits that train on it.
                Array.Clear(counts);
                for (int j = 0; j < length; j++)
                {
                    long i = shared.Order[start + j];
                    ulong bits = shared.Members[i];
                    for (int q = 0; q < m; q++)
                    {
                        int f = mine[q];
                        if ((bits & (1UL << f)) != 0)
                        {
                            var w = _w[f];
                            items[q][counts[q]] = i;
                            scores[q][counts[q]++] = _rows.Dot(i, w.AsSpan(0, _d)) + w[_d];
                        }
                    }
                }
                // Then each fit's risk, gradient and step, as on its own plan (the batch's rows are in cache by now).
                for (int q = 0; q < m; q++)
                {
                    int f = mine[q];
                    double risk = RiskOfScores(items[q].AsSpan(0, counts[q]), scores[q].AsSpan(0, counts[q]), sigmoids.AsSpan(0, counts[q]), grad, out int count);
                    if (count == 0)
                    {
                        continue; // an empty batch is no step, as on the fit's own plan
                    }
                    sums[f] += risk;
                    double lr = UuTrainer.LearningRateAt(stepCounts[f], plans[f].TotalSteps, plans[f].WarmupSteps, peakLearningRate);
                    stepCounts[f]++;
                    ManagedAdamW.Step(_w[f], _m[f], _v[f], grad, lr, stepCounts[f], _options.WeightDecay);
                }
            }
        });
        return sums;
    }

    /// <summary>A batch's sums of the surrogate's losses per pseudo-labeled set (the partial risks' numerators).</summary>
    private struct BatchSums
    {
        public double PosInP, NegInP, PosInN, NegInN;
        public int CountP, CountN;

        public readonly int Count => CountP + CountN;

        /// <summary>Adds the items with scores <paramref name="scores"/>, writing sigmoid(s) (which the gradient needs)
        /// to <paramref name="sigmoids"/>. One exponential per item, over the batch at once: e = exp(-|s|),
        /// sigmoid(|s|) = 1 / (1 + e), sigmoid(-|s|) = e / (1 + e).</summary>
        public void AddAll(ReadOnlySpan<double> scores, ReadOnlySpan<long> items, bool[] positive, SurrogateLoss surrogate, Span<double> sigmoids)
        {
            var e = sigmoids[..scores.Length];
            TensorPrimitives.Abs(scores, e);
            TensorPrimitives.Negate(e, e);
            TensorPrimitives.Exp(e, e);
            for (int j = 0; j < scores.Length; j++)
            {
                sigmoids[j] = Add(scores[j], e[j], positive[items[j]], surrogate);
            }
        }

        private double Add(double s, double e, bool positive, SurrogateLoss surrogate)
        {
            double sigmoidOfS = s >= 0 ? 1 / (1 + e) : e / (1 + e);
            double lossAsPositive, lossAsNegative; // l+(s), l-(s)
            if (surrogate == SurrogateLoss.Sigmoid)
            {
                (lossAsPositive, lossAsNegative) = (1 - sigmoidOfS, sigmoidOfS);
            }
            else
            {
                double log1pE = Math.Log(1 + e); // softplus(z) = max(z, 0) + log(1 + exp(-|z|))
                (lossAsPositive, lossAsNegative) = (Math.Max(-s, 0) + log1pE, Math.Max(s, 0) + log1pE);
            }
            if (positive)
            {
                CountP++;
                PosInP += lossAsPositive;
                NegInP += lossAsNegative;
            }
            else
            {
                CountN++;
                PosInN += lossAsPositive;
                NegInN += lossAsNegative;
            }
            return sigmoidOfS;
        }
    }

    /// <summary>dR/ds = (the set's coefficient of l+') l+' + (its coefficient of l-') l-'.</summary>
    private readonly record struct Slopes(double PPlus, double PMinus, double NPlus, double NMinus)
    {
        /// <summary>dR/ds for an item of the given set whose score has sigmoid <paramref name="sigmoidOfS"/>.</summary>
        public double Of(double sigmoidOfS, bool positive, SurrogateLoss surrogate)
        {
            double plusSlope, minusSlope; // l+'(s), l-'(s)
            if (surrogate == SurrogateLoss.Sigmoid)
            {
                double product = sigmoidOfS * (1 - sigmoidOfS);
                (plusSlope, minusSlope) = (-product, product);
            }
            else
            {
                (plusSlope, minusSlope) = (sigmoidOfS - 1, sigmoidOfS);
            }
            return positive ? (PPlus * plusSlope) + (PMinus * minusSlope) : (NPlus * plusSlope) + (NMinus * minusSlope);
        }
    }

    /// <summary>The objective of a batch with sums <paramref name="sums"/> and its slopes.</summary>
    private Slopes SlopesOf(in BatchSums sums, out double risk)
    {
        double nP = Math.Max(1, sums.CountP);
        double nN = Math.Max(1, sums.CountN);
        var p = _priors;
        if (_options.Objective == UuObjective.Pn)
        {
            risk = (p.Pi * sums.PosInP / nP) + ((1 - p.Pi) * sums.NegInN / nN);
            return new Slopes(p.Pi / nP, 0, 0, (1 - p.Pi) / nN);
        }
        double positivePart = (p.A * sums.PosInP / nP) - (p.C * sums.PosInN / nN);
        double negativePart = (p.D * sums.NegInN / nN) - (p.B * sums.NegInP / nP);
        double slopeP = 1, slopeN = 1;
        if (_options.Objective == UuObjective.RobustUu)
        {
            double lambda = _options.Lambda;
            slopeP = positivePart >= 0 ? 1 : lambda;
            slopeN = negativePart >= 0 ? 1 : lambda;
        }
        risk = (slopeP * positivePart) + (slopeN * negativePart);
        return new Slopes(slopeP * p.A / nP, -slopeN * p.B / nP, -slopeP * p.C / nN, slopeN * p.D / nN);
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }
}

/// <summary>
/// The feature matrix as the managed linear engine reads it: dense rows, or (column, value) lists when at most
/// <see cref="ManagedLinearFits.SparseDensity"/> of the entries are non-zero. Made once per feature tensor and shared by
/// every training on it (<see cref="Of"/> keeps it while the tensor object lives), so the rounds of a refinement copy
/// the matrix once, not once per training.
/// </summary>
internal sealed class ManagedRows
{
    // Keyed by the tensor object: the refiners create their feature tensor once and never write to it.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Tensor, ManagedRows> Copies = new();

    private ManagedRows(int dimension, float[] dense, int[]? rowStart, int[]? columns, float[]? values)
    {
        Dimension = dimension;
        Dense = dense;
        RowStart = rowStart;
        Columns = columns;
        Values = values;
    }

    public int Dimension { get; }

    /// <summary>The rows, row-major, or empty when held sparse.</summary>
    public float[] Dense { get; }

    /// <summary>Sparse rows (CSR): row i's entries are Columns/Values[RowStart[i]..RowStart[i + 1]]; null when dense.</summary>
    public int[]? RowStart { get; }

    public int[]? Columns { get; }

    public float[]? Values { get; }

    /// <summary>Row <paramref name="i"/> times <paramref name="w"/> (D weights).</summary>
    public double Dot(long i, ReadOnlySpan<float> w)
    {
        if (RowStart is null)
        {
            return TensorPrimitives.Dot(Dense.AsSpan((int)(i * Dimension), Dimension), w);
        }
        float sum = 0;
        for (int at = RowStart[i], end = RowStart[i + 1]; at < end; at++)
        {
            sum += Values![at] * w[Columns![at]];
        }
        return sum;
    }

    /// <summary><paramref name="target"/> += <paramref name="scale"/> x row <paramref name="i"/>.</summary>
    public void AddScaled(long i, float scale, Span<float> target)
    {
        if (RowStart is null)
        {
            TensorPrimitives.MultiplyAdd(Dense.AsSpan((int)(i * Dimension), Dimension), scale, target, target);
            return;
        }
        for (int at = RowStart[i], end = RowStart[i + 1]; at < end; at++)
        {
            target[Columns![at]] += scale * Values![at];
        }
    }

    /// <summary>The managed copy of <paramref name="x"/> (default sparsity threshold), made on first use and kept while
    /// the tensor object lives.</summary>
    public static ManagedRows Of(Tensor x) => Copies.GetValue(x, t => From(t, ManagedLinearFits.SparseDensity));

    /// <summary>Copies the [N, D] float32 CPU tensor <paramref name="x"/>.</summary>
    public static ManagedRows From(Tensor x, double sparseDensity)
    {
        int d = (int)x.shape[1];
        float[] data;
        using (var contiguous = x.contiguous())
        {
            data = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(contiguous.bytes).ToArray();
        }
        int n = data.Length / d;
        long nonZero = 0;
        foreach (float v in data)
        {
            nonZero += v != 0 ? 1 : 0;
        }
        if (nonZero > sparseDensity * data.Length)
        {
            return new ManagedRows(d, data, null, null, null);
        }
        // Mostly zeros (hashed n-grams): rows as (column, value) lists, so a row costs its non-zeros, not D.
        var rowStart = new int[n + 1];
        var columns = new int[nonZero];
        var values = new float[nonZero];
        int at = 0;
        for (int i = 0; i < n; i++)
        {
            rowStart[i] = at;
            var row = data.AsSpan(i * d, d);
            for (int j = 0; j < d; j++)
            {
                if (row[j] != 0)
                {
                    columns[at] = j;
                    values[at++] = row[j];
                }
            }
        }
        rowStart[n] = at;
        return new ManagedRows(d, Array.Empty<float>(), rowStart, columns, values);
    }
}
