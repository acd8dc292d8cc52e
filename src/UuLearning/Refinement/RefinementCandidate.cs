namespace UuLearning;

/// <summary>What one round produces: its labels, the scores and posteriors they came from, and what it trained on.</summary>
/// <param name="Round">The 1-based round.</param>
/// <param name="Labels">The round's labels for every item (never abstained).</param>
/// <param name="Scores">Every item's score (out-of-fold when cross-fitted).</param>
/// <param name="Posteriors">P(y = +1 | score, initial label) for every item.</param>
/// <param name="TrainingLabels">The labels the round trained on (the previous round's labels).</param>
/// <param name="TrainingPriors">The priors the round trained with.</param>
/// <param name="Classifier">The in-sample classifier when not cross-fitted (owned by the loop until returned), else null.</param>
/// <param name="ConfidentFlipsOnly">Whether this is the round's cautious variant (initial labels, confident flips only).</param>
internal sealed record RefinementCandidate(
    int Round,
    PseudoLabel[] Labels,
    float[] Scores,
    double[] Posteriors,
    PseudoLabel[] TrainingLabels,
    ClassPriors TrainingPriors,
    UuClassifier? Classifier,
    bool ConfidentFlipsOnly = false);
