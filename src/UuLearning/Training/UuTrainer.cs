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
        var device = x.device;
        var stopwatch = Stopwatch.StartNew();
        int seedKey = fit == 0 ? round : round + 1000 * fit;
        var rng = new Random((int)RoundSeed(o.Seed, seedKey, stream: 1));

        // Split each pseudo-labeled set into training and held-out items.
        var positives = new List<int>();
        var negatives = new List<int>();
        for (int i = 0; i < pseudoLabels.Count; i++)
        {
            if (pseudoLabels[i] == PseudoLabel.Positive)
            {
                positives.Add(i);
            }
            else if (pseudoLabels[i] == PseudoLabel.Negative)
            {
                negatives.Add(i);
            }
        }
        if (positives.Count == 0 || negatives.Count == 0)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"UU learning needs items in both pseudo-labeled sets, but there are {positives.Count} pseudo-positive and {negatives.Count} pseudo-negative items. Check the initial labels."));
        }
        var (trainPos, heldPos) = Split(positives, o.HoldoutFraction, rng);
        var (trainNeg, heldNeg) = Split(negatives, o.HoldoutFraction, rng);
        int nTrain = trainPos.Length + trainNeg.Length;
        int batches = Math.Max(1, (nTrain + o.BatchSize - 1) / o.BatchSize);
        int perBatchPos = Math.Max(1, (trainPos.Length + batches - 1) / batches);
        int perBatchNeg = Math.Max(1, (trainNeg.Length + batches - 1) / batches);
        long totalSteps = (long)batches * o.Epochs;
        long warmupSteps = (long)Math.Floor(o.WarmupFraction * totalSteps);

        torch.manual_seed(RoundSeed(o.Seed, seedKey, stream: 2));
        var module = o.Scorer.Create((int)x.shape[1]);
        var snapshot = new List<Tensor>();
        bool success = false;
        try
        {
            module.to(device);
            var parameters = module.parameters().ToArray();
            using var optimizer = torch.optim.AdamW(parameters, lr: o.LearningRate, weight_decay: o.WeightDecay);
            using var isPositive = BuildMask(pseudoLabels, device);
            using var heldIdx = heldPos.Length + heldNeg.Length > 0 ? FeatureMatrix.MoveTo(torch.tensor(heldPos.Concat(heldNeg).Select(i => (long)i).ToArray()), device) : null;
            var trainingRisk = new List<double>();
            var heldOutRisk = new List<double>();
            double bestHeld = double.PositiveInfinity;
            int bestEpoch = 0;
            long step = 0;
            var order = new long[batches * (perBatchPos + perBatchNeg)];

            for (int epoch = 1; epoch <= o.Epochs; epoch++)
            {
                Shuffle(trainPos, rng);
                Shuffle(trainNeg, rng);
                // Epoch order: batch k holds its slice of the positive and of the negative permutation.
                int len = 0;
                var bounds = new (int Start, int Length)[batches];
                for (int k = 0; k < batches; k++)
                {
                    int start = len;
                    len = Append(order, len, trainPos, k * perBatchPos, perBatchPos);
                    len = Append(order, len, trainNeg, k * perBatchNeg, perBatchNeg);
                    bounds[k] = (start, len - start);
                }
                using var epochIdx = FeatureMatrix.MoveTo(torch.tensor(order.AsSpan(0, len).ToArray()), device);
                using var epochSum = torch.zeros(1, ScalarType.Float64, device);
                module.train();
                for (int k = 0; k < batches; k++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (bounds[k].Length == 0)
                    {
                        continue;
                    }
                    optimizer.ParamGroups.First().LearningRate = LearningRateAt(step++, totalSteps, warmupSteps, o.LearningRate);
                    using var scope = NewDisposeScope();
                    var idx = epochIdx.narrow(0, bounds[k].Start, bounds[k].Length);
                    var scores = module.call(x.index_select(0, idx));
                    var risk = Objective(scores, isPositive.index_select(0, idx), priors);
                    optimizer.zero_grad();
                    risk.backward();
                    optimizer.step();
                    epochSum.add_(risk.detach().to(ScalarType.Float64));
                }

                double meanRisk = epochSum.item<double>() / batches;
                if (!double.IsFinite(meanRisk))
                {
                    throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                        $"Training diverged in round {round}, epoch {epoch}: the training risk is {meanRisk}. Lower LearningRate (now {o.LearningRate}) or check the features for huge values."));
                }
                trainingRisk.Add(meanRisk);

                if (heldIdx is not null)
                {
                    double held = HeldOutRisk(module, x, isPositive, heldIdx, priors);
                    if (!double.IsFinite(held))
                    {
                        throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                            $"Scores became non-finite in round {round}, epoch {epoch}. Lower LearningRate (now {o.LearningRate}) or check the features."));
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
            var report = new TrainingReport(nTrain, heldPos.Length + heldNeg.Length, trainingRisk, heldOutRisk, bestEpoch, stopwatch.Elapsed.TotalSeconds);
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
