using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TorchSharp;
using UuLearning.Internal;
using static TorchSharp.torch;

namespace UuLearning;

/// <summary>
/// The refinement loop for K classes, with the binary loop's decisions (<see cref="IterativeRefiner"/>): each round
/// estimates Theta and pi from the current labels and the labeled sample (smoothing a near-singular Theta harder rather
/// than refusing it: with about 8 labeled items per pseudo-labeled set, two alike rows are often sampling noise), trains K-class robust UU scorers with
/// cross-fitting (every item scored by a scorer that never saw its label), fits the posterior over the K classes from the
/// out-of-fold log-probabilities and the initial label on the labeled sample, and relabels every item; those labels feed
/// the next round. Each round offers two candidates (its full relabeling, and the initial labels with confident flips
/// only); the do-no-harm selector returns the initial labels unless a candidate is clearly better.
/// </summary>
/// <remarks>
/// <para>Labels are class indices in [0, K); -1 marks an abstained item. For K = 2 the loss is exactly the binary robust
/// UU risk (class 1 the positive class), but the binary <see cref="IterativeRefiner"/> stays the implementation for two
/// classes: its posterior model has three parameters where this one has a confusion matrix.</para>
/// <para>Options are <see cref="IterativeRefinerOptions"/>, read the same way; <see cref="UuTrainerOptions.Surrogate"/>
/// chooses between <c>1 - softmax</c> (<see cref="SurrogateLoss.Sigmoid"/>, the default: bounded, like the binary sigmoid
/// loss it equals at K = 2) and the cross-entropy (<see cref="SurrogateLoss.Logistic"/>). Custom scorers are not
/// supported (they give one score, not K).</para>
/// <para>Only the labeled sample's gold labels are used. CPU-bound; cancellation is checked between batches. Stateless
/// between calls; TorchSharp's RNG is process-wide, so run one refinement at a time for bit-for-bit determinism.</para>
/// </remarks>
public sealed class MultiClassRefiner
{
    private readonly MultiClassPriorEstimator _priorEstimator;
    private readonly IterativeRefinerOptions _options;
    private readonly MultiClassTrainer _trainer;
    private readonly ILogger _logger;

    /// <summary>Creates a refiner.</summary>
    /// <param name="priorEstimator">Estimates the priors each round; null means default options.</param>
    /// <param name="options">Options (validated; copied). Null means defaults.</param>
    /// <param name="logger">Optional logger.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="ArgumentException">The scorer is a custom one.</exception>
    public MultiClassRefiner(MultiClassPriorEstimator? priorEstimator = null, IterativeRefinerOptions? options = null, ILogger<MultiClassRefiner>? logger = null)
    {
        _priorEstimator = priorEstimator ?? new MultiClassPriorEstimator();
        _options = (options ?? new IterativeRefinerOptions()).Clone();
        _options.Validate();
        _trainer = new MultiClassTrainer(_options.Trainer);
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>Runs the refinement.</summary>
    /// <param name="features">One feature vector per item, all the same length, finite values only.</param>
    /// <param name="initialLabels">Initial class indices in [0, K), -1 for abstained.</param>
    /// <param name="sample">The gold-labeled sample (K taken from it).</param>
    /// <param name="cancellationToken">Cancels between batches.</param>
    /// <returns>The result.</returns>
    /// <exception cref="ArgumentException">Lengths differ, a feature is not finite.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A label is outside [-1, K) or a sample index outside the corpus.</exception>
    /// <exception cref="InvalidOperationException">The first round's priors cannot be estimated (an empty set, a chance-level
    /// labeler, a Theta so near singular that even its pooled prior mean exceeds the condition bound), the device is
    /// unavailable, or training diverged. A near-singular Theta otherwise does not refuse: the Dirichlet smoothing is
    /// raised until Theta is within <see cref="MultiClassPriorEstimatorOptions.MaxConditionNumber"/>, and the round's
    /// <see cref="MultiClassPriorEstimate.Method"/> says so.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public async Task<MultiClassRefinementResult> RefineAsync(IReadOnlyList<ReadOnlyMemory<float>> features, IReadOnlyList<int> initialLabels,
        MultiClassLabeledSample sample, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(initialLabels);
        ArgumentNullException.ThrowIfNull(sample);
        int d = FeatureMatrix.Validate(features, nameof(features));
        if (initialLabels.Count != features.Count)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"There are {features.Count} feature rows but {initialLabels.Count} initial labels; give one label per item."), nameof(initialLabels));
        }
        sample.EnsureFits(features.Count, nameof(sample));
        var device = FeatureMatrix.ResolveDevice(_options.Trainer.Device);
        // Validates the labels and the first round's priors before any training.
        var priors = _priorEstimator.Estimate(initialLabels, sample, shrinkNearSingular: true);
        await Task.Yield();
        using var x = FeatureMatrix.ToTensor(features, d, device);
        return Run(x, initialLabels.ToArray(), sample, priors, cancellationToken);
    }

    private MultiClassRefinementResult Run(Tensor x, int[] initial, MultiClassLabeledSample sample, MultiClassPriorEstimate priors, CancellationToken cancellationToken)
    {
        int n = initial.Length, k = sample.ClassCount;
        bool fromPosterior = _options.Relabeling == RelabelingRule.Posterior;
        double threshold = _options.ConfidentFlipThreshold;
        var selector = new MultiClassCandidateSelector(_options.ConfidenceLevel, _options.HarmTolerance);
        var assessments = new List<CandidateAssessment>();
        var candidates = new List<(int Round, int[] Labels, double[][] Posteriors, bool Cautious, int[] TrainedOn, MultiClassPriors TrainedPriors)>();
        var reports = new List<MultiClassRoundReport>();
        int[] initialFilled = null!;
        var current = initial;
        var stop = new RoundStop(_options, _logger);
        for (int round = 1; ; round++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var watch = Stopwatch.StartNew();
            var roundPriors = priors;
            var logProbabilities = ScoreRound(x, current, priors.Priors, round, cancellationToken);
            double scale = MultiClassPosteriorModel.ScaleOf(logProbabilities, k);
            var model = MultiClassPosteriorModel.Fit(logProbabilities, k, initial, sample, null, scale);
            var posteriors = model.AllProbabilities(logProbabilities, initial);
            var leaveOneOut = LeaveOneOut(logProbabilities, k, initial, sample, scale, model);

            var next = new int[n];
            int flips = 0, newly = 0;
            for (int i = 0; i < n; i++)
            {
                next[i] = fromPosterior ? MultiClassCandidateSelector.ArgMax(posteriors[i]) : ArgMax(logProbabilities, i, k);
                if (current[i] < 0)
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
                initialFilled = initial.Select((l, i) => l >= 0 ? l : next[i]).ToArray();
            }
            var cautious = new int[n];
            for (int i = 0; i < n; i++)
            {
                cautious[i] = MultiClassCandidateSelector.Relabel(posteriors[i], initialFilled[i], threshold);
            }
            Func<double[], int, int>? fullRule = fromPosterior ? (q, _) => MultiClassCandidateSelector.ArgMax(q) : null;
            var assessment = selector.Assess(round, next, initialFilled, posteriors, sample, leaveOneOut, fullRule, confidentFlipsOnly: false);
            var cautiousAssessment = selector.Assess(round, cautious, initialFilled, posteriors, sample, leaveOneOut,
                (q, l0) => MultiClassCandidateSelector.Relabel(q, l0, threshold), confidentFlipsOnly: true);
            candidates.Add((round, next, posteriors, false, current, roundPriors.Priors));
            candidates.Add((round, cautious, posteriors, true, current, roundPriors.Priors));
            assessments.Add(assessment);
            assessments.Add(cautiousAssessment);

            int agree = 0;
            for (int s = 0; s < sample.Count; s++)
            {
                agree += next[sample.Indices[s]] == sample.Labels[s] ? 1 : 0;
            }
            bool last = stop.IsLast(round, flips, n, () => _priorEstimator.Estimate(next, sample, shrinkNearSingular: true), ref priors);
            var report = new MultiClassRoundReport(round, roundPriors, flips, newly, (double)agree / sample.Count, watch.Elapsed.TotalSeconds, assessment, cautiousAssessment);
            reports.Add(report);
            _logger.LogInformation("Round {Round}: {Priors}; {Flips} flips, {Newly} newly labeled; estimated accuracy {Accuracy} against {Initial} for the initial labels; {Seconds:0.0} s",
                round, roundPriors.Priors, flips, newly, assessment.Accuracy, assessment.InitialAccuracy, report.Seconds);
            current = next;
            if (!last)
            {
                continue;
            }

            int chosen = _options.Selection == RoundSelection.Last ? candidates.Count - 2 : CandidateSelector.Choose(assessments);
            string selectionDetail = _options.Selection == RoundSelection.Last
                ? string.Create(CultureInfo.InvariantCulture, $"Returned the last round ({round}), as asked (RoundSelection.Last).")
                : CandidateSelector.Describe(assessments, chosen);
            _logger.LogInformation("{Selection}", selectionDetail);
            var basis = candidates[Math.Max(0, chosen)];
            var labels = (int[])(chosen < 0 ? initialFilled : basis.Labels).Clone();
            // The returned classifier: one fit on every item with the labels the chosen round trained on.
            var classifier = new MultiClassClassifier(_trainer.Train(x, basis.TrainedOn, basis.TrainedPriors, basis.Round, cancellationToken),
                (int)x.shape[1], k, x.device);
            return BuildResult(initial, labels, basis.Posteriors, sample, reports, chosen < 0 ? 0 : basis.Round, chosen >= 0 && basis.Cautious,
                chosen < 0 ? assessments[0].InitialAccuracy : assessments[chosen].Accuracy, assessments[Math.Max(0, chosen)].InitialAccuracy,
                selectionDetail, stop.Reason, stop.Detail, classifier);
        }
    }

    private static MultiClassRefinementResult BuildResult(int[] initial, int[] labels, double[][] posteriors, MultiClassLabeledSample sample,
        List<MultiClassRoundReport> reports, int chosenRound, bool cautious, AccuracyEstimate accuracy, AccuracyEstimate initialAccuracy,
        string selectionDetail, RefinementStopReason reason, string detail, MultiClassClassifier classifier)
    {
        int n = initial.Length, k = sample.ClassCount;
        var probabilities = posteriors.Select(p => (double[])p.Clone()).ToArray();
        var inSample = new bool[n];
        for (int s = 0; s < sample.Count; s++)
        {
            int i = sample.Indices[s];
            inSample[i] = true;
            labels[i] = sample.Labels[s];
            probabilities[i] = new double[k];
            probabilities[i][labels[i]] = 1;
        }
        var decisions = new MultiClassItemDecision[n];
        for (int i = 0; i < n; i++)
        {
            decisions[i] = new MultiClassItemDecision(i, initial[i], labels[i], probabilities[i][labels[i]], initial[i] != labels[i], inSample[i]);
        }
        return new MultiClassRefinementResult(labels, probabilities, decisions, reports, chosenRound, cautious, accuracy, initialAccuracy, selectionDetail, reason, detail, classifier);
    }

    /// <summary>Each sample item's posterior from a model fitted without it (warm-started at the full fit).</summary>
    private static double[][] LeaveOneOut(float[] logProbabilities, int k, int[] initial, MultiClassLabeledSample sample, double scale, MultiClassPosteriorModel full)
    {
        var result = new double[sample.Count][];
        var weights = new double[sample.Count];
        Array.Fill(weights, 1.0);
        for (int s = 0; s < sample.Count; s++)
        {
            weights[s] = 0;
            var model = MultiClassPosteriorModel.Fit(logProbabilities, k, initial, sample, weights, scale, full);
            weights[s] = 1;
            int i = sample.Indices[s];
            result[s] = model.Probabilities(logProbabilities, i, initial[i]);
        }
        return result;
    }

    private static int ArgMax(float[] logProbabilities, int item, int k)
    {
        int best = 0;
        for (int j = 1; j < k; j++)
        {
            if (logProbabilities[item * k + j] > logProbabilities[item * k + best])
            {
                best = j;
            }
        }
        return best;
    }

    /// <summary>Out-of-fold log-probabilities [N, K] for one round (in-sample when folds are fewer than 2).</summary>
    internal float[] ScoreRound(Tensor x, int[] labels, MultiClassPriors priors, int round, CancellationToken cancellationToken)
    {
        int n = labels.Length, k = priors.ClassCount;
        int smallest = Enumerable.Range(0, k).Min(c => labels.Count(l => l == c));
        int folds = Math.Min(_options.CrossFitFolds, smallest);
        float[] result;
        if (folds < 2)
        {
            using var module = _trainer.Train(x, labels, priors, round, cancellationToken);
            result = _trainer.LogProbabilitiesOf(module, x);
        }
        else
        {
            var fold = AssignFolds(labels, k, folds, new Random((int)UuTrainer.RoundSeed(_options.Trainer.Seed, round, stream: 3)));
            var scores = new float[n * k];
            void TrainFold(int f)
            {
                var masked = new int[n];
                for (int i = 0; i < n; i++)
                {
                    masked[i] = fold[i] == f ? -1 : labels[i];
                }
                using var module = _trainer.Train(x, masked, priors, round, cancellationToken, fit: f + 1);
                var all = _trainer.LogProbabilitiesOf(module, x);
                for (int i = 0; i < n; i++)
                {
                    if (fold[i] == f)
                    {
                        Array.Copy(all, i * k, scores, i * k, k); // each fold writes only its own items' rows
                    }
                }
            }
            int concurrent = Math.Min(folds, _trainer.ConcurrentFits(x));
            if (concurrent <= 1)
            {
                for (int f = 0; f < folds; f++)
                {
                    TrainFold(f);
                }
            }
            else
            {
                // Each fit depends only on its seed and its labels, so the scores do not depend on the thread count.
                try
                {
                    Parallel.For(0, folds, new ParallelOptions { MaxDegreeOfParallelism = concurrent }, TrainFold);
                }
                catch (AggregateException e)
                {
                    var first = e.InnerExceptions.FirstOrDefault(inner => inner is not OperationCanceledException) ?? e.InnerExceptions[0];
                    System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(first).Throw();
                }
            }
            result = scores;
        }
        int bad = Array.FindIndex(result, v => !float.IsFinite(v));
        if (bad >= 0)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"Round {round} produced a non-finite score for item {bad / k}. Lower the learning rate or check the features."));
        }
        return result;
    }

    /// <summary>Folds stratified by label: each label group (classes, then abstained) is shuffled and dealt round-robin.</summary>
    internal static int[] AssignFolds(int[] labels, int k, int folds, Random rng)
    {
        var fold = new int[labels.Length];
        int next = 0;
        for (int group = 0; group <= k; group++)
        {
            int value = group < k ? group : -1;
            var members = Enumerable.Range(0, labels.Length).Where(i => labels[i] == value).ToArray();
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
}
