using System.Runtime.InteropServices;
using System.Diagnostics;
using System.Globalization;
using TorchSharp;
using UuLearning.Internal;
using static TorchSharp.torch;

namespace UuLearning;

/// <summary>
/// Trains a fresh K-class softmax scorer (linear or MLP head with K outputs) on K pseudo-labeled sets with the K-class
/// robust UU risk (or the unbiased / PN risk for ablations), with <see cref="UuTrainer"/>'s recipe: AdamW, cosine schedule
/// with warm-up, batches holding every set in proportion, a held-out share of each set whose risk (pseudo-labels only)
/// picks the best epoch, seeded per round and fit.
/// </summary>
internal sealed class MultiClassTrainer
{
    private readonly UuTrainerOptions _options;

    private static readonly Lock InitLock = new();

    public MultiClassTrainer(UuTrainerOptions options)
    {
        _options = options.Clone();
        _options.Validate();
        if (_options.Scorer.Kind == "custom")
        {
            throw new ArgumentException("Multi-class refinement supports the linear and MLP scorers; a custom scorer maps to one score, not K.", "Scorer");
        }
    }

    /// <summary>Trains on a [N, D] tensor; labels are class indices, -1 for items not trained on.</summary>
    public nn.Module<Tensor, Tensor> Train(Tensor x, IReadOnlyList<int> labels, MultiClassPriors priors, int round, CancellationToken cancellationToken, int fit = 0)
    {
        var o = _options;
        int k = priors.ClassCount;
        var device = x.device;
        int seedKey = fit == 0 ? round : round + 1000 * fit;
        var rng = new Random((int)UuTrainer.RoundSeed(o.Seed, seedKey, stream: 1));
        var sets = new List<int>[k];
        for (int c = 0; c < k; c++)
        {
            sets[c] = new List<int>();
        }
        for (int i = 0; i < labels.Count; i++)
        {
            if (labels[i] >= 0)
            {
                sets[labels[i]].Add(i);
            }
        }
        int empty = Array.FindIndex(sets, s => s.Count == 0);
        if (empty >= 0)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"K-class UU learning needs items in every pseudo-labeled set, but set {empty} is empty in round {round}."));
        }
        var train = new int[k][];
        var held = new List<long>();
        for (int c = 0; c < k; c++)
        {
            var copy = sets[c].ToArray();
            Shuffle(copy, rng);
            int h = copy.Length >= 2 ? Math.Min(copy.Length - 1, (int)Math.Round(o.HoldoutFraction * copy.Length)) : 0;
            held.AddRange(copy.Take(h).Select(i => (long)i));
            train[c] = copy.Skip(h).ToArray();
        }
        int nTrain = train.Sum(t => t.Length);
        int batches = Math.Max(1, (nTrain + o.BatchSize - 1) / o.BatchSize);
        var perBatch = train.Select(t => Math.Max(1, (t.Length + batches - 1) / batches)).ToArray();
        long totalSteps = (long)batches * o.Epochs;
        long warmupSteps = (long)Math.Floor(o.WarmupFraction * totalSteps);

        nn.Module<Tensor, Tensor> module;
        lock (InitLock)
        {
            // TorchSharp's generator is process-wide: seeding and drawing the initial weights together keeps each fit's
            // weights its own seed's when folds train on several threads.
            torch.manual_seed(UuTrainer.RoundSeed(o.Seed, seedKey, stream: 2));
            module = CreateScorer((int)x.shape[1], k);
        }
        var snapshot = new List<Tensor>();
        bool success = false;
        try
        {
            module.to(device);
            var parameters = module.parameters().ToArray();
            using var optimizer = new HeldScalarAdamW(parameters, o.LearningRate, o.WeightDecay);
            // The linear head on the CPU steps in managed code; the module only gives it its initial weights and takes
            // the trained ones back at the end.
            var managed = ManagedEnabled && ManagedSoftmaxFit.Supports(o, x)
                ? ManagedSoftmaxFit.Create(ManagedRows.Of(x), labels, module, priors, o)
                : null;
            float[]? managedBest = null;
            using var target = torch.tensor(labels.Select(l => (long)Math.Max(l, 0)).ToArray(), device: device);
            held.Sort();
            using var heldIdx = held.Count > 0 ? torch.tensor(held.ToArray(), device: device) : null;
            var inverse = priors.InverseTheta();
            double best = double.PositiveInfinity;
            int bestEpoch = 0;
            long step = 0;
            for (int epoch = 1; epoch <= o.Epochs; epoch++)
            {
                foreach (var t in train)
                {
                    Shuffle(t, rng);
                }
                var order = new List<long>(nTrain);
                var bounds = new (int Start, int Length)[batches];
                for (int b = 0; b < batches; b++)
                {
                    int start = order.Count;
                    for (int c = 0; c < k; c++)
                    {
                        for (int j = b * perBatch[c]; j < Math.Min(train[c].Length, (b + 1) * perBatch[c]); j++)
                        {
                            order.Add(train[c][j]);
                        }
                    }
                    bounds[b] = (start, order.Count - start);
                }
                var orderArray = order.ToArray();
                if (managed is not null)
                {
                    for (int b = 0; b < batches; b++)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        if (bounds[b].Length == 0)
                        {
                            continue;
                        }
                        double lr = UuTrainer.LearningRateAt(step++, totalSteps, warmupSteps, o.LearningRate);
                        managed.Step(orderArray.AsSpan(bounds[b].Start, bounds[b].Length), lr, step);
                    }
                    if (held.Count == 0)
                    {
                        bestEpoch = epoch;
                        continue;
                    }
                    double managedHeld = managed.Risk(CollectionsMarshal.AsSpan(held));
                    if (!double.IsFinite(managedHeld))
                    {
                        throw NonFinite(round, epoch);
                    }
                    if (managedHeld < best)
                    {
                        best = managedHeld;
                        bestEpoch = epoch;
                        managedBest = (float[])managed.Parameters.Clone();
                    }
                    continue;
                }
                using var epochIdx = torch.tensor(orderArray, device: device);
                module.train();
                for (int b = 0; b < batches; b++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (bounds[b].Length == 0)
                    {
                        continue;
                    }
                    optimizer.LearningRate = UuTrainer.LearningRateAt(step++, totalSteps, warmupSteps, o.LearningRate);
                    using var scope = NewDisposeScope();
                    var idx = epochIdx.narrow(0, bounds[b].Start, bounds[b].Length);
                    var risk = Objective(module.call(x.index_select(0, idx)), target.index_select(0, idx), priors, inverse);
                    optimizer.ZeroGrad();
                    risk.backward();
                    optimizer.Step();
                }
                if (heldIdx is null)
                {
                    bestEpoch = epoch;
                    continue;
                }
                double heldRisk;
                using (var scope = NewDisposeScope())
                using (torch.no_grad())
                {
                    module.eval();
                    heldRisk = Objective(module.call(x.index_select(0, heldIdx)), target.index_select(0, heldIdx), priors, inverse).to(ScalarType.Float64).item<double>();
                }
                if (!double.IsFinite(heldRisk))
                {
                    throw NonFinite(round, epoch);
                }
                if (heldRisk < best)
                {
                    best = heldRisk;
                    bestEpoch = epoch;
                    Snapshot(parameters, snapshot);
                }
            }
            if (managed is not null)
            {
                if (managedBest is not null && bestEpoch != o.Epochs)
                {
                    managedBest.CopyTo(managed.Parameters, 0);
                }
                managed.CopyTo(module);
            }
            else if (snapshot.Count > 0 && bestEpoch != o.Epochs)
            {
                using var noGrad = torch.no_grad();
                using var scope = NewDisposeScope();
                for (int i = 0; i < parameters.Length; i++)
                {
                    parameters[i].copy_(snapshot[i]);
                }
            }
            module.eval();
            success = true;
            return module;
        }
        finally
        {
            foreach (var t in snapshot)
            {
                t.Dispose();
            }
            if (!success)
            {
                module.Dispose();
            }
        }
    }

    /// <summary>How many fits may train at once on <paramref name="x"/>: managed fits are independent, so the option's
    /// thread count (automatic: every processor); TorchSharp fits share libtorch's threads, so one.</summary>
    internal int ConcurrentFits(Tensor x) => ManagedEnabled && ManagedSoftmaxFit.Supports(_options, x)
        ? (_options.Threads > 0 ? _options.Threads : Environment.ProcessorCount)
        : 1;

    /// <summary>Whether the linear head on the CPU trains in managed code (<see cref="ManagedSoftmaxFit"/>; true). Tests
    /// turn it off to compare with TorchSharp training the same module.</summary>
    internal bool ManagedEnabled { get; set; } = true;

    private InvalidOperationException NonFinite(int round, int epoch) => new(string.Create(CultureInfo.InvariantCulture,
        $"Scores became non-finite in round {round}, epoch {epoch}. Lower LearningRate (now {_options.LearningRate}) or check the features."));

    /// <summary>Log-probabilities [N, K] of every row of <paramref name="x"/> under <paramref name="module"/> (one this
    /// trainer trained), row-major: in managed code for the managed linear head, so that the result does not depend on
    /// what runs beside it (libtorch's matrix products split their sums by the threads free at the time), else
    /// <see cref="LogProbabilities"/>.</summary>
    internal float[] LogProbabilitiesOf(nn.Module<Tensor, Tensor> module, Tensor x)
    {
        if (!(ManagedEnabled && ManagedSoftmaxFit.Supports(_options, x)))
        {
            return LogProbabilities(module, x);
        }
        return ManagedSoftmaxFit.LogProbabilities(ManagedRows.Of(x), (int)x.shape[0], module);
    }

    /// <summary>Log-probabilities [N, K] of every row of <paramref name="x"/>, row-major, without gradients.</summary>
    public static float[] LogProbabilities(nn.Module<Tensor, Tensor> module, Tensor x)
    {
        using var scope = NewDisposeScope();
        using var noGrad = torch.no_grad();
        module.eval();
        return nn.functional.log_softmax(module.call(x), 1).to(ScalarType.Float32).cpu().data<float>().ToArray();
    }

    private Tensor Objective(Tensor logits, Tensor target, MultiClassPriors priors, double[,] inverse) => _options.Objective switch
    {
        UuObjective.RobustUu => MultiClassRiskFunctions.Compute(logits, target, inverse, priors.Pi, _options.Surrogate, robust: true, _options.Lambda),
        UuObjective.Uu => MultiClassRiskFunctions.Compute(logits, target, inverse, priors.Pi, _options.Surrogate, robust: false, 0),
        _ => MultiClassRiskFunctions.PnRisk(logits, target, priors.Pi, _options.Surrogate),
    };

    private nn.Module<Tensor, Tensor> CreateScorer(int inputDimension, int classes)
    {
        var modules = new List<(string, nn.Module<Tensor, Tensor>)>();
        int previous = inputDimension;
        var hidden = _options.Scorer.HiddenSizes;
        for (int i = 0; i < hidden.Count; i++)
        {
            modules.Add(($"linear{i}", nn.Linear(previous, hidden[i])));
            modules.Add(($"relu{i}", nn.ReLU()));
            if (_options.Scorer.Dropout > 0)
            {
                modules.Add(($"dropout{i}", nn.Dropout(_options.Scorer.Dropout)));
            }
            previous = hidden[i];
        }
        modules.Add(("output", nn.Linear(previous, classes)));
        return nn.Sequential(modules);
    }

    private static void Snapshot(Tensor[] parameters, List<Tensor> snapshot)
    {
        using var noGrad = torch.no_grad();
        using var scope = NewDisposeScope();
        if (snapshot.Count == 0)
        {
            foreach (var p in parameters)
            {
                snapshot.Add(p.detach().clone().MoveToOuterDisposeScope());
            }
            return;
        }
        for (int i = 0; i < parameters.Length; i++)
        {
            snapshot[i].copy_(parameters[i]);
        }
    }

    private static void Shuffle(int[] a, Random rng)
    {
        for (int i = a.Length - 1; i > 0; i--)
        {
            int j = rng.Next(i + 1);
            (a[i], a[j]) = (a[j], a[i]);
        }
    }
}
