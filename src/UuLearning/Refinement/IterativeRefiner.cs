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
/// The method's loop. Each round estimates the priors from the current labels and the labeled sample, trains robust UU
/// scorers (cross-fitted: every item is scored by a scorer that never saw its label), calibrates
/// P(y | score, initial label) on the labeled sample, and relabels every item (<see cref="RelabelingRule"/>); those labels
/// feed the next round. Every round is a candidate; one selector (<see cref="RoundSelection.DoNoHarm"/> by default)
/// decides what is returned, and the initial labels stand unless a round is clearly better.
/// </summary>
/// <remarks>
/// <para>Only the labeled sample's gold labels are used, in every round (for the priors, the calibration and the
/// selection); no other gold information can reach the loop through this API.</para>
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
        bool fromPosterior = _options.Relabeling == RelabelingRule.Posterior;
        var selector = new CandidateSelector(_options.ConfidenceLevel, _options.HarmTolerance);
        var candidates = new List<RefinementCandidate>();
        var assessments = new List<CandidateAssessment>();
        var reports = new List<RoundReport>();
        PseudoLabel[] initialFilled = null!;
        var current = initial;
        var priors = _priorEstimator.Estimate(current, sample);
        var stop = new RoundStop(_options, _logger);
        UuClassifier? returnedClassifier = null;
        UuClassifier? finalFit = null;
        bool completed = false;
        try
        {
            for (int round = 1; ; round++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var watch = Stopwatch.StartNew();
                var roundPriors = priors;
                var (scores, inSampleClassifier, training) = ScoreRound(x, current, priors.Priors, round, cancellationToken);
                double scale = PosteriorModel.ScaleOf(scores);
                var model = PosteriorModel.Fit(scores, initial, sample, priors.Priors.Pi, weights: null, scale);
                var posteriors = model.Probabilities(scores, initial);

                var next = new PseudoLabel[n];
                int flips = 0, newly = 0, positives = 0;
                for (int i = 0; i < n; i++)
                {
                    bool positive = fromPosterior ? posteriors[i] > 0.5 : scores[i] > 0;
                    next[i] = positive ? PseudoLabel.Positive : PseudoLabel.Negative;
                    positives += positive ? 1 : 0;
                    if (current[i] == PseudoLabel.Abstained)
                    {
                        newly++;
                    }
                    else if (current[i] != next[i])
                    {
                        flips++;
                    }
                }
                if (round == 1)
                {
                    // The initial labels as the candidate to beat: abstentions filled with round 1's labels.
                    initialFilled = new PseudoLabel[n];
                    for (int i = 0; i < n; i++)
                    {
                        initialFilled[i] = initial[i] == PseudoLabel.Abstained ? next[i] : initial[i];
                    }
                }
                var candidate = new RefinementCandidate(round, next, scores, posteriors, current, roundPriors.Priors, inSampleClassifier);
                var cautiousLabels = new PseudoLabel[n];
                for (int i = 0; i < n; i++)
                {
                    cautiousLabels[i] = CandidateSelector.Relabel(posteriors[i], initialFilled[i], _options.ConfidentFlipThreshold);
                }
                var cautious = candidate with { Labels = cautiousLabels, ConfidentFlipsOnly = true };
                candidates.Add(candidate);
                candidates.Add(cautious);
                var assessment = selector.Assess(candidate, initial, initialFilled, sample, roundPriors.Priors.Pi, fromPosterior ? 0.5 : null);
                var cautiousAssessment = selector.Assess(cautious, initial, initialFilled, sample, roundPriors.Priors.Pi, _options.ConfidentFlipThreshold, confidentFlipsOnly: true);
                assessments.Add(assessment);
                assessments.Add(cautiousAssessment);

                int agree = SampleAgreements(next, sample);
                double agreement = (double)agree / sample.Count;
                var (lower, upper) = BinomialProportion.Jeffreys(agree, sample.Count, _options.ConfidenceLevel);

                // Decide now whether this round is the last, so every round is yielded exactly once.
                bool last = stop.IsLast(round, flips, n, () => _priorEstimator.Estimate(next, sample), ref priors);
                var report = new RoundReport(round, roundPriors, training, flips, newly, (double)positives / n, agreement,
                    new ConfidenceInterval(lower, upper, _options.ConfidenceLevel), watch.Elapsed.TotalSeconds, assessment, cautiousAssessment);
                reports.Add(report);
                _logger.LogInformation(
                    "Round {Round}: {Priors}; {Flips} flips, {Newly} newly labeled; estimated accuracy {Accuracy} against {Initial} for the initial labels; {Seconds:0.0} s",
                    round, candidate.TrainingPriors, flips, newly, assessment.Accuracy, assessment.InitialAccuracy, report.Seconds);
                current = next;
                if (!last)
                {
                    yield return new RefinementUpdate(report, next, null);
                    continue;
                }

                int chosen = _options.Selection == RoundSelection.Last ? candidates.Count - 2 : CandidateSelector.Choose(assessments);
                string selectionDetail = _options.Selection == RoundSelection.Last
                    ? string.Create(CultureInfo.InvariantCulture, $"Returned the last round ({round}), as asked (RoundSelection.Last).")
                    : CandidateSelector.Describe(assessments, chosen);
                _logger.LogInformation("{Selection}", selectionDetail);
                var basis = candidates[Math.Max(0, chosen)];
                // Cross-fitted rounds keep no classifier: fit one on every item with the labels the chosen round trained on.
                finalFit = basis.Classifier is null ? _trainer.TrainOnDevice(x, basis.TrainingLabels, basis.TrainingPriors, basis.Round, cancellationToken) : null;
                returnedClassifier = basis.Classifier ?? finalFit!;
                var result = BuildResult(initial, chosen < 0 ? initialFilled : basis.Labels, basis, chosen < 0 ? 0 : basis.Round, chosen >= 0 && basis.ConfidentFlipsOnly,
                    chosen < 0 ? assessments[0].InitialAccuracy : assessments[chosen].Accuracy,
                    assessments[Math.Max(0, chosen)].InitialAccuracy, selectionDetail, sample, reports, stop.Reason, stop.Detail, returnedClassifier);
                completed = true;
                yield return new RefinementUpdate(report, next, result);
                yield break;
            }
        }
        finally
        {
            foreach (var c in candidates.Where(c => !c.ConfidentFlipsOnly))
            {
                if (!completed || !ReferenceEquals(c.Classifier, returnedClassifier))
                {
                    c.Classifier?.Dispose();
                }
            }
            if (!completed)
            {
                finalFit?.Dispose();
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

    private static RefinementResult BuildResult(PseudoLabel[] initial, PseudoLabel[] chosenLabels, RefinementCandidate basis, int chosenRound,
        bool confidentFlipsOnly, AccuracyEstimate accuracy, AccuracyEstimate initialAccuracy, string selectionDetail, LabeledSample sample, List<RoundReport> reports,
        RefinementStopReason reason, string detail, UuClassifier classifier)
    {
        int n = initial.Length;
        var labels = (PseudoLabel[])chosenLabels.Clone();
        var posteriors = (double[])basis.Posteriors.Clone();
        var inSample = new bool[n];
        for (int k = 0; k < sample.Count; k++)
        {
            int i = sample.Indices[k];
            inSample[i] = true;
            labels[i] = sample.Labels[k] ? PseudoLabel.Positive : PseudoLabel.Negative;
            posteriors[i] = sample.Labels[k] ? 1 : 0;
        }
        var decisions = new ItemDecision[n];
        for (int i = 0; i < n; i++)
        {
            decisions[i] = new ItemDecision(i, initial[i], labels[i], basis.Scores[i], posteriors[i], initial[i] != labels[i], inSample[i]);
        }
        return new RefinementResult(labels, basis.Scores, posteriors, decisions, reports, chosenRound, confidentFlipsOnly, accuracy, initialAccuracy, selectionDetail,
            reason, detail, classifier);
    }

    /// <summary>Scores every item for one round: with cross-fitting, each fold by a scorer trained on the other folds'
    /// labels; otherwise in-sample by one scorer trained on all (returned, owned by the caller).</summary>
    private (float[] Scores, UuClassifier? Classifier, TrainingReport Training) ScoreRound(Tensor x, PseudoLabel[] labels, ClassPriors priors, int round,
        CancellationToken cancellationToken)
    {
        int positives = labels.Count(l => l == PseudoLabel.Positive);
        int negatives = labels.Count(l => l == PseudoLabel.Negative);
        int folds = Math.Min(_options.CrossFitFolds, Math.Min(positives, negatives));
        if (folds < 2)
        {
            var classifier = _trainer.TrainOnDevice(x, labels, priors, round, cancellationToken);
            try
            {
                var scores = classifier.ScoreTensor(x, _options.Trainer.Threads);
                EnsureFinite(scores, round);
                return (scores, classifier, classifier.TrainingReport!);
            }
            catch
            {
                classifier.Dispose();
                throw;
            }
        }

        var fold = AssignFolds(labels, folds, new Random((int)UuTrainer.RoundSeed(_options.Trainer.Seed, round, stream: 3)));
        var (outOfFold, report) = _trainer.CrossFit(x, labels, fold, folds, priors, round, cancellationToken);
        EnsureFinite(outOfFold, round);
        return (outOfFold, null, report);
    }

    /// <summary>Folds stratified by label: each label group (positive, negative, abstained) is shuffled and dealt round-robin.</summary>
    internal static int[] AssignFolds(PseudoLabel[] labels, int folds, Random rng)
    {
        var fold = new int[labels.Length];
        int next = 0;
        foreach (var group in new[] { PseudoLabel.Positive, PseudoLabel.Negative, PseudoLabel.Abstained })
        {
            var members = Enumerable.Range(0, labels.Length).Where(i => labels[i] == group).ToArray();
            for (int i = members.Length - 1; i > 0; i--)
            {
                int j = rng.Next(i + 1);
                (members[i], members[j]) = (members[j], members[i]);
            }
            foreach (int i in members)
            {
                fold[i] = next;
                next = (next + 1) % folds;
            }
        }
        return fold;
    }

    private static void EnsureFinite(float[] scores, int round)
    {
        int bad = Array.FindIndex(scores, s => !float.IsFinite(s));
        if (bad >= 0)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"Round {round} produced a non-finite score ({scores[bad]}) for item {bad}. Lower the learning rate or check the features."));
        }
    }
}
