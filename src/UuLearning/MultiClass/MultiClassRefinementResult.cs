namespace UuLearning;

/// <summary>The outcome of a multi-class refinement: the returned labels with their posteriors over the K classes,
/// per-item decisions, the estimated accuracy of the returned and of the initial labels, a review list and the rounds.</summary>
/// <remarks>Immutable apart from disposal: it owns <see cref="Classifier"/>, so dispose the result when done with it.</remarks>
public sealed class MultiClassRefinementResult : IDisposable
{
    internal MultiClassRefinementResult(int[] labels, double[][] probabilities, MultiClassItemDecision[] decisions, IReadOnlyList<MultiClassRoundReport> rounds,
        int chosenRound, bool confidentFlipsOnly, AccuracyEstimate estimatedAccuracy, AccuracyEstimate initialEstimatedAccuracy, string selectionDetail,
        RefinementStopReason stopReason, string stopDetail, MultiClassClassifier classifier)
    {
        Classifier = classifier;
        Labels = labels;
        Probabilities = probabilities;
        Decisions = decisions;
        Rounds = rounds;
        ChosenRound = chosenRound;
        ConfidentFlipsOnly = confidentFlipsOnly;
        EstimatedAccuracy = estimatedAccuracy;
        InitialEstimatedAccuracy = initialEstimatedAccuracy;
        SelectionDetail = selectionDetail;
        StopReason = stopReason;
        StopDetail = stopDetail;
        ReviewList = decisions.Where(d => !d.InLabeledSample).OrderBy(d => d.Confidence).ThenBy(d => d.Index).ToArray();
    }

    /// <summary>The K-class scorer trained on every item with the labels of the chosen round (round 1's, the initial
    /// labels, when those were kept), for labeling new items; owned by this result.</summary>
    public MultiClassClassifier Classifier { get; }

    /// <summary>Disposes <see cref="Classifier"/>.</summary>
    public void Dispose() => Classifier.Dispose();

    /// <summary>The returned class index of every item. Items of the labeled sample carry their gold label.</summary>
    public IReadOnlyList<int> Labels { get; }

    /// <summary>The calibrated posterior over the K classes of every item under the chosen round's posterior model (round 1's
    /// when the initial labels were kept); one-hot on the gold label for labeled-sample items.</summary>
    public IReadOnlyList<IReadOnlyList<double>> Probabilities { get; }

    /// <summary>One decision per item.</summary>
    public IReadOnlyList<MultiClassItemDecision> Decisions { get; }

    /// <summary>The items outside the labeled sample, least confident first: the items to check by hand first.</summary>
    public IReadOnlyList<MultiClassItemDecision> ReviewList { get; }

    /// <summary>The reports of every round that ran.</summary>
    public IReadOnlyList<MultiClassRoundReport> Rounds { get; }

    /// <summary>The 1-based round whose labels are returned, or 0 when the initial labels were kept (abstentions filled by round 1).</summary>
    public int ChosenRound { get; }

    /// <summary>Whether the returned labels are the chosen round's cautious variant (initial labels, confident flips only).</summary>
    public bool ConfidentFlipsOnly { get; }

    /// <summary>The returned labels' estimated accuracy on the items outside the labeled sample, with an interval.</summary>
    public AccuracyEstimate EstimatedAccuracy { get; }

    /// <summary>The initial labels' estimated accuracy on the same items, from the same posteriors.</summary>
    public AccuracyEstimate InitialEstimatedAccuracy { get; }

    /// <summary>Items whose returned label differs from the initial one.</summary>
    public int ChangedCount => Decisions.Count(d => d.Changed);

    /// <summary>Why these labels were returned.</summary>
    public string SelectionDetail { get; }

    /// <summary>Why the loop stopped.</summary>
    public RefinementStopReason StopReason { get; }

    /// <summary>A sentence on why the loop stopped.</summary>
    public string StopDetail { get; }
}
