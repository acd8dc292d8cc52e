namespace UuLearning;

/// <summary>The outcome of a refinement: refined labels, scores, per-item decisions, round reports and the classifier.</summary>
/// <remarks>Owns <see cref="Classifier"/>: dispose the result (or the classifier) when done.</remarks>
public sealed class RefinementResult : IDisposable
{
    internal RefinementResult(
        IReadOnlyList<PseudoLabel> labels,
        IReadOnlyList<float> scores,
        IReadOnlyList<ItemDecision> decisions,
        IReadOnlyList<RoundReport> rounds,
        int chosenRound,
        RefinementStopReason stopReason,
        string stopDetail,
        UuClassifier classifier)
    {
        Labels = labels;
        Scores = scores;
        Decisions = decisions;
        Rounds = rounds;
        ChosenRound = chosenRound;
        StopReason = stopReason;
        StopDetail = stopDetail;
        Classifier = classifier;
    }

    /// <summary>The refined label of every item (from <see cref="ChosenRound"/>; never abstained).</summary>
    public IReadOnlyList<PseudoLabel> Labels { get; }

    /// <summary>The score of every item from the best refined round (the chosen round unless it is 0).</summary>
    public IReadOnlyList<float> Scores { get; }

    /// <summary>One decision per item: initial label, refined label, score, changed.</summary>
    public IReadOnlyList<ItemDecision> Decisions { get; }

    /// <summary>The reports of every round that ran.</summary>
    public IReadOnlyList<RoundReport> Rounds { get; }

    /// <summary>The 1-based round whose labels are returned, or 0 when the initial labels were kept
    /// (see <see cref="IterativeRefinerOptions.KeepInitialLabelsWhenBetter"/>); <see cref="Scores"/> and
    /// <see cref="Classifier"/> then come from the best refined round.</summary>
    public int ChosenRound { get; }

    /// <summary>Why the loop stopped.</summary>
    public RefinementStopReason StopReason { get; }

    /// <summary>A sentence explaining the stop.</summary>
    public string StopDetail { get; }

    /// <summary>The trained classifier of the best refined round; it scores new feature vectors and can be saved.</summary>
    public UuClassifier Classifier { get; }

    /// <inheritdoc />
    public void Dispose() => Classifier.Dispose();
}
