using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TorchSharp;
using UuLearning.Internal;
using static TorchSharp.torch;

namespace UuLearning;

/// <summary>
/// Trains a fresh scorer on the two pseudo-labeled sets with robust UU learning (or UU / PN for ablations).
/// </summary>
/// <remarks>
/// <para>Each call creates a new scorer, an AdamW optimiser with a cosine schedule and linear warm-up, and trains for
/// <see cref="UuTrainerOptions.Epochs"/> epochs on batches holding both sets in proportion. A share of each set is held
/// out; the epoch whose held-out risk (the objective computed with pseudo-labels, never gold) is lowest is kept.</para>
/// <para>CPU-bound and synchronous; cancellation is checked between batches, and a cancelled call leaves nothing
/// behind (the partial scorer is disposed). The trainer is stateless between calls and may be shared, but TorchSharp's
/// global RNG is seeded per call, so concurrent calls on different threads are not deterministic.</para>
/// </remarks>
public sealed class UuTrainer
{
    private readonly UuTrainerOptions _options;
    private readonly ILogger _logger;

    /// <summary>Creates a trainer.</summary>
    /// <param name="options">Options (validated here; copied).</param>
    /// <param name="logger">Optional logger.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public UuTrainer(UuTrainerOptions? options = null, ILogger<UuTrainer>? logger = null)
    {
        _options = (options ?? new UuTrainerOptions()).Clone();
        _options.Validate();
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>The options in effect (a copy).</summary>
    public UuTrainerOptions Options => _options.Clone();

    /// <summary>Trains a scorer on feature vectors and their pseudo-labels.</summary>
    /// <param name="features">One vector per item, all the same length, finite values only.</param>
    /// <param name="pseudoLabels">One label per item; abstained items are not trained on.</param>
    /// <param name="priors">The class priors of the two sets (ignored except pi for <see cref="UuObjective.Pn"/>).</param>
    /// <param name="cancellationToken">Cancels between batches.</param>
    /// <returns>The trained classifier (owned by the caller), with its <see cref="UuClassifier.TrainingReport"/>.</returns>
    /// <exception cref="ArgumentException">Lengths differ, or a feature is not finite.</exception>
    /// <exception cref="InvalidOperationException">A pseudo-labeled set is empty, the device is unavailable, or training diverged.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public UuClassifier Train(IReadOnlyList<ReadOnlyMemory<float>> features, IReadOnlyList<PseudoLabel> pseudoLabels, ClassPriors priors, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pseudoLabels);
        ArgumentNullException.ThrowIfNull(priors);
        int d = FeatureMatrix.Validate(features, nameof(features));
        if (pseudoLabels.Count != features.Count)
        {
            throw new ArgumentException($"There are {features.Count} feature rows but {pseudoLabels.Count} pseudo-labels; give one label per item.", nameof(pseudoLabels));
        }
        var device = FeatureMatrix.ResolveDevice(_options.Device);
        using var x = FeatureMatrix.ToTensor(features, d, device);
        return TrainOnDevice(x, pseudoLabels, priors, round: 1, cancellationToken);
    }

    /// <summary>Trains on a [N, D] float32 tensor already on the configured device.</summary>
    /// <param name="x">The features.</param>
    /// <param name="pseudoLabels">The labels to train on; abstained items are left out.</param>
    /// <param name="priors">The priors.</param>
    /// <param name="round">The round (seeds the run, named in messages).</param>
    /// <param name="cancellationToken">Cancels between batches.</param>
    /// <param name="fit">Which fit of the round (0 = on every item; k = cross-fitting fold k): seeds the run.</param>
    internal UuClassifier TrainOnDevice(Tensor x, IReadOnlyList<PseudoLabel> pseudoLabels, ClassPriors priors, int round, CancellationToken cancellationToken, int fit = 0)
    {
        var o = _options;
        int seedKey = SeedKey(round, fit);
        var plan = FitPlan.Create(pseudoLabels, o, RoundSeed(o.Seed, seedKey, stream: 1));
        return TrainWithPlan(x, pseudoLabels, plan, RoundSeed(o.Seed, seedKey, stream: 2), priors, round, cancellationToken);
    }

    /// <summary>Trains one scorer on <paramref name="plan"/>'s batches, initialised after <c>torch.manual_seed(initSeed)</c>.</summary>
    private UuClassifier TrainWithPlan(Tensor x, IReadOnlyList<PseudoLabel> pseudoLabels, FitPlan plan, long initSeed, ClassPriors priors, int round, CancellationToken cancellationToken)
    {
        var o = _options;
        int d = (int)x.shape[1];
        using var threads = TorchThreads.Use(ThreadsFor(fits: 1, d));
        if (!StackedScorers.Supports(o.Scorer))
        {
            return TrainModule(x, pseudoLabels, plan, initSeed, priors, round, cancellationToken);
        }
        using var model = TrainStacked(x, pseudoLabels, new[] { plan }, new[] { initSeed }, priors, round, cancellationToken, out var reports);
        return new UuClassifier(model.ToModule(0, o.Scorer, d, x.device), o.Scorer, d, x.device, reports[0]);
    }

    /// <summary>
    /// Cross-fitting: fit k (of <paramref name="folds"/>) trains on the items whose <paramref name="fold"/> is not k, and
    /// scores those whose fold is k. Linear and MLP scorers train all folds at once as one stacked model; custom scorers
    /// train fold by fold. Either way fit k's hold-out split and initial weights are seeded as <see cref="TrainOnDevice"/>
    /// with <c>fit: k + 1</c> would seed them, and its batches are its part of the round's common batches
    /// (<see cref="SharedBatches"/>), so both ways train the same fits.
    /// </summary>
    /// <returns>The out-of-fold score of every item, and the last fold's training report.</returns>
    internal (float[] Scores, TrainingReport Training) CrossFit(Tensor x, PseudoLabel[] labels, int[] fold, int folds, ClassPriors priors, int round,
        CancellationToken cancellationToken)
    {
        var o = _options;
        int n = labels.Length;
        int d = (int)x.shape[1];
        var masked = new PseudoLabel[folds][];
        for (int f = 0; f < folds; f++)
        {
            masked[f] = new PseudoLabel[n];
            for (int i = 0; i < n; i++)
            {
                masked[f][i] = fold[i] == f ? PseudoLabel.Abstained : labels[i];
            }
        }
        var plans = new FitPlan[folds];
        var initSeeds = new long[folds];
        for (int f = 0; f < folds; f++)
        {
            int seedKey = SeedKey(round, f + 1);
            plans[f] = FitPlan.Create(masked[f], o, RoundSeed(o.Seed, seedKey, stream: 1));
            initSeeds[f] = RoundSeed(o.Seed, seedKey, stream: 2);
        }
        plans = FitPlan.ShareBatches(plans, fold, labels, o, RoundSeed(o.Seed, SeedKey(round, 0), stream: 4));
        if (!StackedScorers.Supports(o.Scorer))
        {
            var outOfFold = new float[n];
            TrainingReport? report = null;
            for (int f = 0; f < folds; f++)
            {
                using var classifier = TrainWithPlan(x, masked[f], plans[f], initSeeds[f], priors, round, cancellationToken);
                var scores = classifier.ScoreTensor(x, o.Threads);
                for (int i = 0; i < n; i++)
                {
                    if (fold[i] == f)
                    {
                        outOfFold[i] = scores[i];
                    }
                }
                report = classifier.TrainingReport;
            }
            return (outOfFold, report!);
        }

        using var threads = TorchThreads.Use(ThreadsFor(folds, d));
        using var model = TrainStacked(x, labels, plans, initSeeds, priors, round, cancellationToken, out var reports);
        return (model.ScoreOwnFold(fold), reports[^1]);
    }

    /// <summary>The thread count for training <paramref name="fits"/> scorers at once (the option, or chosen from the work).</summary>
    internal int ThreadsFor(int fits, int inputDimension)
    {
        if (_options.Threads > 0)
        {
            return _options.Threads;
        }
        long perRow = StackedScorers.Supports(_options.Scorer) ? StackedScorers.MultiplyAddsPerRow(_options.Scorer, inputDimension) : inputDimension;
        return TorchThreads.Choose((long)fits * _options.BatchSize * perRow);
    }

    private InvalidOperationException Diverged(int round, int epoch, double risk) => new(string.Create(CultureInfo.InvariantCulture,
        $"Training diverged in round {round}, epoch {epoch}: the training risk is {risk}. Lower LearningRate (now {_options.LearningRate}) or check the features for huge values."));

    private InvalidOperationException NonFiniteScores(int round, int epoch) => new(string.Create(CultureInfo.InvariantCulture,
        $"Scores became non-finite in round {round}, epoch {epoch}. Lower LearningRate (now {_options.LearningRate}) or check the features."));

    private static int SeedKey(int round, int fit) => fit == 0 ? round : round + 1000 * fit;

    /// <summary>
    /// Creates one fit per seed: the managed linear engine for a linear head on the CPU, else
    /// the stacked TorchSharp scorers (linear or MLP, any device).
    /// </summary>
    private IStackedFits CreateFits(Tensor x, IReadOnlyList<PseudoLabel> labels, long[] initSeeds, ClassPriors priors)
    {
        var o = _options;
        if (ManagedLinearFits.Supports(o, x))
        {
            int threads = o.Threads > 0 ? o.Threads : Environment.ProcessorCount;
            // One copy per feature tensor: a refinement trains every round on the same tensor, and copying it for each
            // training cost about a fifth of a linear fit.
            return ManagedLinearFits.Create(x, labels, initSeeds, priors, o, threads, rows: ManagedRows.Of(x));
        }
        var model = StackedScorers.Create(o.Scorer, (int)x.shape[1], initSeeds, o.WeightDecay, x.device);
        return new TorchStackedFits(model, x, labels, (scores, inP, inN) => MaskedObjective(scores, inP, inN, priors));
    }

    /// <summary>
    /// Trains one scorer per plan, all at once (see <see cref="IStackedFits"/>): each epoch shuffles every plan, trains
    /// all fits for one pass, then reads the held-out risks and keeps each fit's best epoch.
    /// </summary>
    private IStackedFits TrainStacked(Tensor x, IReadOnlyList<PseudoLabel> labels, FitPlan[] plans, long[] initSeeds, ClassPriors priors, int round,
        CancellationToken cancellationToken, out TrainingReport[] reports)
    {
        var o = _options;
        var stopwatch = Stopwatch.StartNew();
        int k = plans.Length;
        var fits = CreateFits(x, labels, initSeeds, priors);
        bool success = false;
        try
        {
            bool anyHeld = plans.Any(p => p.HeldOutItems > 0);
            var orders = plans.Select(p => new long[p.Batches * p.MaxBatchLength]).ToArray();
            var bounds = plans.Select(p => new (int Start, int Length)[p.Batches]).ToArray();
            var stepCounts = new long[k];
            var improved = new bool[k];
            var trainingRisk = Enumerable.Range(0, k).Select(_ => new List<double>()).ToArray();
            var heldOutRisk = Enumerable.Range(0, k).Select(_ => new List<double>()).ToArray();
            var bestHeld = Enumerable.Repeat(double.PositiveInfinity, k).ToArray();
            var bestEpoch = new int[k];

            for (int epoch = 1; epoch <= o.Epochs; epoch++)
            {
                for (int f = 0; f < k; f++)
                {
                    plans[f].NextEpoch(orders[f], bounds[f]);
                }
                var sums = fits.TrainEpoch(plans, orders, bounds, stepCounts, o.LearningRate, cancellationToken);
                var held = anyHeld ? fits.HeldOutRisks(plans) : null;
                for (int f = 0; f < k; f++)
                {
                    double meanRisk = sums[f] / plans[f].Batches;
                    if (!double.IsFinite(meanRisk))
                    {
                        throw Diverged(round, epoch, meanRisk);
                    }
                    trainingRisk[f].Add(meanRisk);
                    improved[f] = true;
                    if (plans[f].HeldOutItems > 0)
                    {
                        double h = held![f];
                        if (!double.IsFinite(h))
                        {
                            throw NonFiniteScores(round, epoch);
                        }
                        heldOutRisk[f].Add(h);
                        improved[f] = h < bestHeld[f];
                        bestHeld[f] = Math.Min(bestHeld[f], h);
                    }
                    if (improved[f])
                    {
                        bestEpoch[f] = epoch;
                    }
                }
                if (anyHeld)
                {
                    fits.Snapshot(improved);
                }
                _logger.LogDebug("Round {Round} epoch {Epoch} ({Fits} fits): training risk {TrainingRisk}, held-out risk {HeldOutRisk}",
                    round, epoch, k, string.Join(' ', trainingRisk.Select(r => r[^1].ToString("0.#####", CultureInfo.InvariantCulture))),
                    string.Join(' ', heldOutRisk.Select(r => r.Count > 0 ? r[^1].ToString("0.#####", CultureInfo.InvariantCulture) : "-")));
            }
            fits.RestoreSnapshot();
            double seconds = stopwatch.Elapsed.TotalSeconds;
            reports = Enumerable.Range(0, k)
                .Select(f => new TrainingReport(plans[f].TrainingItems, plans[f].HeldOutItems, trainingRisk[f], heldOutRisk[f], bestEpoch[f], seconds))
                .ToArray();
            success = true;
            return fits;
        }
        finally
        {
            if (!success)
            {
                fits.Dispose();
            }
        }
    }

    /// <summary>The per-step training loop for a custom scorer module: one fit, AdamW in torch's formulation (<see cref="HeldScalarAdamW"/>).</summary>
    private UuClassifier TrainModule(Tensor x, IReadOnlyList<PseudoLabel> pseudoLabels, FitPlan plan, long initSeed, ClassPriors priors, int round, CancellationToken cancellationToken)
    {
        var o = _options;
        var device = x.device;
        var stopwatch = Stopwatch.StartNew();
        torch.manual_seed(initSeed);
        var module = o.Scorer.Create((int)x.shape[1]);
        var snapshot = new List<Tensor>();
        bool success = false;
        try
        {
            module.to(device);
            var parameters = module.parameters().ToArray();
            using var optimizer = new HeldScalarAdamW(parameters, o.LearningRate, o.WeightDecay);
            using var isPositive = BuildMask(pseudoLabels, device);
            using var heldIdx = plan.HeldOutItems > 0 ? FeatureMatrix.MoveTo(torch.tensor(plan.HeldPos.Concat(plan.HeldNeg).Select(i => (long)i).ToArray()), device) : null;
            var trainingRisk = new List<double>();
            var heldOutRisk = new List<double>();
            double bestHeld = double.PositiveInfinity;
            int bestEpoch = 0;
            long step = 0;
            var order = new long[plan.Batches * plan.MaxBatchLength];
            var bounds = new (int Start, int Length)[plan.Batches];

            for (int epoch = 1; epoch <= o.Epochs; epoch++)
            {
                plan.NextEpoch(order, bounds);
                using var epochIdx = FeatureMatrix.MoveTo(torch.tensor(order), device);
                using var epochSum = torch.zeros(1, ScalarType.Float64, device);
                module.train();
                for (int k = 0; k < plan.Batches; k++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (bounds[k].Length == 0)
                    {
                        continue;
                    }
                    optimizer.LearningRate = LearningRateAt(step++, plan.TotalSteps, plan.WarmupSteps, o.LearningRate);
                    using var scope = NewDisposeScope();
                    var idx = epochIdx.narrow(0, bounds[k].Start, bounds[k].Length);
                    var scores = module.call(x.index_select(0, idx));
                    var risk = Objective(scores, isPositive.index_select(0, idx), priors);
                    optimizer.ZeroGrad();
                    risk.backward();
                    optimizer.Step();
                    epochSum.add_(risk.detach().to(ScalarType.Float64), TorchScalars.One);
                }

                double meanRisk = epochSum.item<double>() / plan.Batches;
                if (!double.IsFinite(meanRisk))
                {
                    throw Diverged(round, epoch, meanRisk);
                }
                trainingRisk.Add(meanRisk);

                if (heldIdx is not null)
                {
                    double held = HeldOutRisk(module, x, isPositive, heldIdx, priors);
                    if (!double.IsFinite(held))
                    {
                        throw NonFiniteScores(round, epoch);
                    }
                    heldOutRisk.Add(held);
                    if (held < bestHeld)
                    {
                        bestHeld = held;
                        bestEpoch = epoch;
                        TakeSnapshot(parameters, snapshot);
                    }
                }
                else
                {
                    bestEpoch = epoch;
                }
                _logger.LogDebug("Round {Round} epoch {Epoch}: training risk {TrainingRisk:0.#####}, held-out risk {HeldOutRisk:0.#####}",
                    round, epoch, meanRisk, heldOutRisk.Count > 0 ? heldOutRisk[^1] : double.NaN);
            }

            if (snapshot.Count > 0 && bestEpoch != o.Epochs)
            {
                using var noGrad = torch.no_grad();
                using var scope = NewDisposeScope(); // copy_ returns a new handle to the parameter
                for (int i = 0; i < parameters.Length; i++)
                {
                    parameters[i].copy_(snapshot[i]);
                }
            }
            var report = new TrainingReport(plan.TrainingItems, plan.HeldOutItems, trainingRisk, heldOutRisk, bestEpoch, stopwatch.Elapsed.TotalSeconds);
            var classifier = new UuClassifier(module, o.Scorer, (int)x.shape[1], device, report);
            success = true;
            return classifier;
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

    private Tensor MaskedObjective(Tensor scores, Tensor inPositiveSet, Tensor inNegativeSet, ClassPriors priors) => _options.Objective switch
    {
        UuObjective.RobustUu => UuRiskFunctions.ComputeMasked(scores, inPositiveSet, inNegativeSet, priors, _options.Surrogate, UuRiskFunctions.RiskKind.RobustUu, _options.Lambda),
        UuObjective.Uu => UuRiskFunctions.ComputeMasked(scores, inPositiveSet, inNegativeSet, priors, _options.Surrogate, UuRiskFunctions.RiskKind.Uu, 0),
        _ => UuRiskFunctions.ComputeMasked(scores, inPositiveSet, inNegativeSet, priors, _options.Surrogate, UuRiskFunctions.RiskKind.Pn, 0),
    };

    private Tensor Objective(Tensor scores, Tensor isPositive, ClassPriors priors) => _options.Objective switch
    {
        UuObjective.RobustUu => UuRiskFunctions.Compute(scores, isPositive, priors, _options.Surrogate, UuRiskFunctions.RiskKind.RobustUu, _options.Lambda),
        UuObjective.Uu => UuRiskFunctions.Compute(scores, isPositive, priors, _options.Surrogate, UuRiskFunctions.RiskKind.Uu, 0),
        _ => UuRiskFunctions.PnRisk(scores, isPositive, priors.Pi, _options.Surrogate),
    };

    private double HeldOutRisk(nn.Module<Tensor, Tensor> module, Tensor x, Tensor isPositive, Tensor heldIdx, ClassPriors priors)
    {
        using var scope = NewDisposeScope();
        using var noGrad = torch.no_grad();
        module.eval();
        var scores = module.call(x.index_select(0, heldIdx));
        double risk = Objective(scores, isPositive.index_select(0, heldIdx), priors).to(ScalarType.Float64).item<double>();
        module.train();
        return risk;
    }

    private static void TakeSnapshot(Tensor[] parameters, List<Tensor> snapshot)
    {
        using var noGrad = torch.no_grad();
        if (snapshot.Count == 0)
        {
            foreach (var p in parameters)
            {
                using var scope = NewDisposeScope();
                snapshot.Add(p.detach().clone().MoveToOuterDisposeScope());
            }
        }
        else
        {
            using var scope = NewDisposeScope();
            for (int i = 0; i < parameters.Length; i++)
            {
                snapshot[i].copy_(parameters[i]);
            }
        }
    }

    private static Tensor BuildMask(IReadOnlyList<PseudoLabel> labels, Device device)
    {
        var mask = new bool[labels.Count];
        for (int i = 0; i < mask.Length; i++)
        {
            mask[i] = labels[i] == PseudoLabel.Positive;
        }
        return FeatureMatrix.MoveTo(torch.tensor(mask), device);
    }

    /// <summary>
    /// A seed for one round and one random stream, the same in every process (SplitMix64 of the inputs; never
    /// <see cref="HashCode"/>, which is randomised per process), non-negative so it suits both RNGs.
    /// </summary>
    internal static long RoundSeed(int seed, int round, int stream)
    {
        ulong z = unchecked((ulong)(uint)seed * 0x9E3779B97F4A7C15UL + (ulong)(uint)round * 0xBF58476D1CE4E5B9UL + (ulong)(uint)stream * 0x94D049BB133111EBUL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        z ^= z >> 31;
        return (long)(z & 0x7FFFFFFF);
    }

    internal static double LearningRateAt(long step, long totalSteps, long warmupSteps, double peak)
    {
        if (step < warmupSteps)
        {
            return peak * (step + 1) / warmupSteps;
        }
        long decaySteps = Math.Max(1, totalSteps - warmupSteps);
        double progress = Math.Min(1.0, (double)(step - warmupSteps) / decaySteps);
        return peak * 0.5 * (1 + Math.Cos(Math.PI * progress));
    }
}
