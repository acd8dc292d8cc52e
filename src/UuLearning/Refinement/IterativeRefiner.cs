using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TorchSharp;
using UuLearning.Internal;
using static TorchSharp.torch;

namespace UuLearning;

/// <summary>
/// The method's loop: estimate the priors from the current pseudo-labels and the labeled sample, train a fresh scorer
/// with robust UU learning, relabel every item with sign(g(x)), and repeat.
/// </summary>
/// <remarks>
/// <para>Only the labeled sample's gold labels are used, in every round (for the priors and for choosing the round);
/// no other gold information can reach the loop through this API.</para>
/// <para>Training is CPU-bound and runs synchronously between the awaits of the asynchronous methods; cancellation is
/// checked between batches. A refiner holds no state between calls and may be reused; do not run two refinements on
/// it concurrently if you need bit-for-bit determinism (TorchSharp's RNG is process-wide).</para>
/// </remarks>
public sealed class IterativeRefiner
{
    private readonly IPriorEstimator _priorEstimator;
    private readonly IterativeRefinerOptions _options;
    private readonly UuTrainer _trainer;
    private readonly ILogger _logger;

    /// <summary>Creates a refiner.</summary>
    /// <param name="priorEstimator">Estimates the priors each round; null means a <see cref="FewLabelPriorEstimator"/> with default options.</param>
    /// <param name="options">Options (validated here; copied). Null means defaults.</param>
    /// <param name="logger">Optional logger.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (the parameter name is the property's).</exception>
    public IterativeRefiner(IPriorEstimator? priorEstimator = null, IterativeRefinerOptions? options = null, ILogger<IterativeRefiner>? logger = null)
    {
        _priorEstimator = priorEstimator ?? new FewLabelPriorEstimator();
        _options = (options ?? new IterativeRefinerOptions()).Clone();
        _options.Validate();
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _trainer = new UuTrainer(_options.Trainer);
    }

    /// <summary>The options in effect (a copy).</summary>
    public IterativeRefinerOptions Options => _options.Clone();

    /// <summary>Runs the whole refinement and returns the result.</summary>
    /// <param name="features">One feature vector per item, all the same length, finite values only.</param>
    /// <param name="initialLabels">The initial pseudo-labels, one per item; abstained items are left out of the first
    /// round's training and labeled by its scorer.</param>
    /// <param name="sample">The gold-labeled sample (indices into the corpus).</param>
    /// <param name="cancellationToken">Cancels between batches.</param>
    /// <returns>The result (owned by the caller; dispose it).</returns>
    /// <exception cref="ArgumentException">Lengths differ, a feature is not finite, or a label value is undefined.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A sample index is outside the corpus.</exception>
    /// <exception cref="InvalidOperationException">The data cannot support UU learning (all initial labels one class,
    /// priors indistinguishable in the first round), the device is unavailable, or training diverged.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public async Task<RefinementResult> RefineAsync(IReadOnlyList<ReadOnlyMemory<float>> features, IReadOnlyList<PseudoLabel> initialLabels,
        LabeledSample sample, CancellationToken cancellationToken = default)
    {
        RefinementResult? result = null;
        await foreach (var update in RefineStreamingAsync(features, initialLabels, sample, cancellationToken).ConfigureAwait(false))
        {
            result = update.Result;
        }
        return result ?? throw new InvalidOperationException("The refinement ended without a result.");
    }

    /// <summary>Runs the refinement, yielding each round as it completes; the last update carries the result.</summary>
    /// <param name="features">One feature vector per item.</param>
    /// <param name="initialLabels">The initial pseudo-labels.</param>
    /// <param name="sample">The gold-labeled sample.</param>
    /// <param name="cancellationToken">Cancels between batches.</param>
    /// <returns>The rounds, in order. Inputs are validated before the first round starts.</returns>
    /// <exception cref="ArgumentException">See <see cref="RefineAsync"/>.</exception>
    public IAsyncEnumerable<RefinementUpdate> RefineStreamingAsync(IReadOnlyList<ReadOnlyMemory<float>> features, IReadOnlyList<PseudoLabel> initialLabels,
        LabeledSample sample, CancellationToken cancellationToken = default)
    {
        int d = ValidateInputs(features, initialLabels, sample);
        var device = FeatureMatrix.ResolveDevice(_options.Trainer.Device);
        return RunAsync(features, initialLabels.ToArray(), sample, d, device, cancellationToken);
    }

    private static int ValidateInputs(IReadOnlyList<ReadOnlyMemory<float>> features, IReadOnlyList<PseudoLabel> initialLabels, LabeledSample sample)
    {
        ArgumentNullException.ThrowIfNull(initialLabels);
        ArgumentNullException.ThrowIfNull(sample);
        int d = FeatureMatrix.Validate(features, nameof(features));
        if (initialLabels.Count != features.Count)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"There are {features.Count} feature rows but {initialLabels.Count} initial labels; give one label per item."), nameof(initialLabels));
        }
        int pos = 0, neg = 0;
        for (int i = 0; i < initialLabels.Count; i++)
        {
            switch (initialLabels[i])
            {
                case PseudoLabel.Positive: pos++; break;
                case PseudoLabel.Negative: neg++; break;
                case PseudoLabel.Abstained: break;
                default:
                    throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Item {i} has an undefined label value {(int)initialLabels[i]}."), nameof(initialLabels));
            }
        }
        if (pos == 0 || neg == 0)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"The initial labels hold {pos} positive and {neg} negative items (and {initialLabels.Count - pos - neg} abstentions): UU learning needs both classes among them. Check the labeler's output."));
        }
        sample.EnsureFits(features.Count, nameof(sample));
        return d;
    }

    private async IAsyncEnumerable<RefinementUpdate> RunAsync(IReadOnlyList<ReadOnlyMemory<float>> features, PseudoLabel[] initial, LabeledSample sample,
        int dimension, Device device, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Yield();
        using var x = FeatureMatrix.ToTensor(features, dimension, device);
        int n = initial.Length;
        var current = initial;
        var reports = new List<RoundReport>();
        UuClassifier? keptClassifier = null;
        PseudoLabel[]? keptLabels = null;
        float[]? keptScores = null;
        int keptRound = 0;
        double keptAgreement = double.NegativeInfinity;
        PseudoLabel[]? initialFilled = null;
        double initialAgreement = double.NegativeInfinity;
        var stopReason = RefinementStopReason.MaxRounds;
        string stopDetail = string.Create(CultureInfo.InvariantCulture, $"Ran the maximum of {_options.MaxRounds} rounds.");
        bool completed = false;
        try
        {
            for (int round = 1; round <= _options.MaxRounds; round++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var watch = Stopwatch.StartNew();
                PriorEstimate priors;
                try
                {
                    priors = _priorEstimator.Estimate(current, sample);
                }
                catch (InvalidOperationException ex) when (round > 1)
                {
                    stopReason = RefinementStopReason.PriorsIndistinguishable;
                    stopDetail = $"Stopped before round {round}: {ex.Message} Kept round {keptRound}.";
                    _logger.LogWarning("{Detail}", stopDetail);
                    break;
                }

                var classifier = _trainer.TrainOnDevice(x, current, priors.Priors, round, cancellationToken);
                float[] scores;
                try
                {
                    scores = classifier.ScoreTensor(x);
                    int bad = Array.FindIndex(scores, s => !float.IsFinite(s));
                    if (bad >= 0)
                    {
                        throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                            $"Round {round} produced a non-finite score ({scores[bad]}) for item {bad}. Lower the learning rate or check the features."));
                    }
                }
                catch
                {
                    classifier.Dispose();
                    throw;
                }

                var next = new PseudoLabel[n];
                int flips = 0, newly = 0, positives = 0;
                for (int i = 0; i < n; i++)
                {
                    next[i] = scores[i] > 0 ? PseudoLabel.Positive : PseudoLabel.Negative;
                    if (next[i] == PseudoLabel.Positive)
                    {
                        positives++;
                    }
                    if (current[i] == PseudoLabel.Abstained)
                    {
                        newly++;
                    }
                    else if (current[i] != next[i])
                    {
                        flips++;
                    }
                }
                int agree = SampleAgreements(next, sample);
                double agreement = (double)agree / sample.Count;
                if (round == 1)
                {
                    // The initial labels as a candidate too ("round 0"): abstentions filled with round 1's labels.
                    initialFilled = new PseudoLabel[n];
                    for (int i = 0; i < n; i++)
                    {
                        initialFilled[i] = initial[i] == PseudoLabel.Abstained ? next[i] : initial[i];
                    }
                    initialAgreement = (double)SampleAgreements(initialFilled, sample) / sample.Count;
                }
                var (lower, upper) = BinomialProportion.Jeffreys(agree, sample.Count, _options.ConfidenceLevel);
                var report = new RoundReport(round, priors, classifier.TrainingReport!, flips, newly, (double)positives / n, agreement,
                    new ConfidenceInterval(lower, upper, _options.ConfidenceLevel), watch.Elapsed.TotalSeconds);
                reports.Add(report);
                _logger.LogInformation(
                    "Round {Round}: {Priors}; {Flips} flips, {Newly} newly labeled; sample agreement {Agreement:0.###} {Interval}; {Seconds:0.0} s",
                    round, priors.Priors, flips, newly, agreement, report.SampleAgreementInterval, report.Seconds);

                bool keep = _options.Selection == RoundSelection.Last || agreement >= keptAgreement;
                if (keep)
                {
                    keptClassifier?.Dispose();
                    keptClassifier = classifier;
                    keptLabels = next;
                    keptScores = scores;
                    keptRound = round;
                    keptAgreement = agreement;
                }
                else
                {
                    classifier.Dispose();
                }

                bool converged = round > 1 && (double)flips / n < _options.FlipTolerance;
                bool last = converged || round == _options.MaxRounds;
                if (converged)
                {
                    stopReason = RefinementStopReason.Converged;
                    stopDetail = string.Create(CultureInfo.InvariantCulture,
                        $"Converged after round {round}: {flips} of {n} labels flipped, below the tolerance {_options.FlipTolerance}.");
                }
                current = next;
                if (!last)
                {
                    yield return new RefinementUpdate(report, next, null);
                    continue;
                }
                break;
            }

            if (_options.Relabeling == RelabelingRule.Posterior)
            {
                keptLabels = PosteriorRelabeler.Relabel(keptScores!, initial, sample);
                keptAgreement = (double)SampleAgreements(keptLabels, sample) / sample.Count;
            }
            if (_options.KeepInitialLabelsWhenBetter && _options.Selection == RoundSelection.BestSampleAgreement && initialAgreement > keptAgreement)
            {
                _logger.LogInformation(
                    "The initial labels agree with the labeled sample better ({Initial:0.###}) than any refined round ({Best:0.###}); keeping them.",
                    initialAgreement, keptAgreement);
                stopDetail += string.Create(CultureInfo.InvariantCulture,
                    $" The initial labels agreed with the labeled sample better ({initialAgreement:0.###}) than the best round ({keptAgreement:0.###}, round {keptRound}), so they were kept.");
                keptLabels = initialFilled;
                keptRound = 0;
            }
            var result = BuildResult(initial, keptLabels!, keptScores!, reports, keptRound, stopReason, stopDetail, keptClassifier!);
            completed = true;
            yield return new RefinementUpdate(reports[^1], current, result);
        }
        finally
        {
            if (!completed)
            {
                keptClassifier?.Dispose();
            }
        }
    }

    /// <summary>How many labeled-sample items the labels agree with.</summary>
    private static int SampleAgreements(PseudoLabel[] labels, LabeledSample sample)
    {
        int agree = 0;
        for (int k = 0; k < sample.Count; k++)
        {
            if ((labels[sample.Indices[k]] == PseudoLabel.Positive) == sample.Labels[k])
            {
                agree++;
            }
        }
        return agree;
    }

    private static RefinementResult BuildResult(PseudoLabel[] initial, PseudoLabel[] labels, float[] scores, List<RoundReport> reports,
        int chosenRound, RefinementStopReason reason, string detail, UuClassifier classifier)
    {
        var decisions = new ItemDecision[initial.Length];
        for (int i = 0; i < initial.Length; i++)
        {
            decisions[i] = new ItemDecision(i, initial[i], labels[i], scores[i], initial[i] != labels[i]);
        }
        return new RefinementResult(labels, scores, decisions, reports, chosenRound, reason, detail, classifier);
    }
}
