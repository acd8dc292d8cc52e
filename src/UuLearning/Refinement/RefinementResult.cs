namespace UuLearning;

/// <summary>The outcome of a refinement: the returned labels with their posteriors, per-item decisions, the estimated
/// accuracy of the returned and of the initial labels, a review list, the round reports and the classifier.</summary>
/// <remarks>Owns <see cref="Classifier"/>: dispose the result (or the classifier) when done.</remarks>
public sealed class RefinementResult : IDisposable
{
    internal RefinementResult(
        IReadOnlyList<PseudoLabel> labels,
        IReadOnlyList<float> scores,
        IReadOnlyList<double> posteriors,
        IReadOnlyList<ItemDecision> decisions,
        IReadOnlyList<RoundReport> rounds,
        int chosenRound,
        bool confidentFlipsOnly,
        AccuracyEstimate estimatedAccuracy,
        AccuracyEstimate initialEstimatedAccuracy,
        string selectionDetail,
        RefinementStopReason stopReason,
        string stopDetail,
        UuClassifier classifier)
    {
        Labels = labels;
        Scores = scores;
        Posteriors = posteriors;
        Decisions = decisions;
        Rounds = rounds;
        ChosenRound = chosenRound;
        ConfidentFlipsOnly = confidentFlipsOnly;
        EstimatedAccuracy = estimatedAccuracy;
        InitialEstimatedAccuracy = initialEstimatedAccuracy;
        SelectionDetail = selectionDetail;
        StopReason = stopReason;
        StopDetail = stopDetail;
        Classifier = classifier;
        ReviewList = decisions.Where(d => !d.InLabeledSample).OrderBy(d => d.Confidence).ThenBy(d => d.Index).ToArray();
    }

    /// <summary>The returned label of every item (never abstained). Items of the labeled sample carry their gold label.</summary>
    public IReadOnlyList<PseudoLabel> Labels { get; }

    /// <summary>The chosen candidate's score of every item (out-of-fold when cross-fitted; for
    /// <see cref="ChosenRound"/> 0, round 1's scores, learned from the initial labels).</summary>
    public IReadOnlyList<float> Scores { get; }

    /// <summary>The calibrated P(y = +1 | score, initial label) of every item under the chosen candidate's posterior model
    /// (for the labeled sample, 1 or 0: the gold label).</summary>
    public IReadOnlyList<double> Posteriors { get; }

    /// <summary>One decision per item: initial, returned label, score, posterior, changed, in the labeled sample.</summary>
    public IReadOnlyList<ItemDecision> Decisions { get; }

    /// <summary>The items outside the labeled sample, most likely mislabeled first (smallest max(p, 1 - p)): the items
    /// to check by hand first when there is budget for more gold labels.</summary>
    public IReadOnlyList<ItemDecision> ReviewList { get; }

    /// <summary>The reports of every round that ran, each with its assessment against the initial labels.</summary>
    public IReadOnlyList<RoundReport> Rounds { get; }

    /// <summary>The 1-based round whose labels are returned, or 0 when the initial labels were kept (abstentions filled
    /// by round 1's posterior): the default <see cref="RoundSelection.DoNoHarm"/> keeps them unless a round is clearly better.</summary>
    public int ChosenRound { get; }

    /// <summary>Whether the returned labels are the chosen round's cautious variant: the initial labels with only the items
    /// flipped whose posterior contradicts them with more than <see cref="IterativeRefinerOptions.ConfidentFlipThreshold"/>.</summary>
    public bool ConfidentFlipsOnly { get; }

    /// <summary>The estimated accuracy of the returned labels on the items outside the labeled sample, with its interval.</summary>
    public AccuracyEstimate EstimatedAccuracy { get; }

    /// <summary>The estimated accuracy of the initial labels (abstentions filled) on the same items, under the same posteriors.</summary>
    public AccuracyEstimate InitialEstimatedAccuracy { get; }

    /// <summary>How many returned labels differ from the initial ones (abstentions included).</summary>
    public int ChangedCount => Decisions.Count(d => d.Changed);

    /// <summary>A sentence explaining which labeling was returned and why.</summary>
    public string SelectionDetail { get; }

    /// <summary>Why the loop stopped.</summary>
    public RefinementStopReason StopReason { get; }

    /// <summary>A sentence explaining the stop.</summary>
    public string StopDetail { get; }

    /// <summary>The classifier of the chosen candidate: trained on every item with the labels that candidate's round
    /// trained on (for <see cref="ChosenRound"/> 0, the initial labels). It scores new feature vectors and can be saved.</summary>
    public UuClassifier Classifier { get; }

    /// <inheritdoc />
    public void Dispose() => Classifier.Dispose();
}
