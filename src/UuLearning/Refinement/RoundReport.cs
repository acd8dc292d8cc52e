namespace UuLearning;

/// <summary>What one refinement round did.</summary>
/// <param name="Round">The 1-based round number.</param>
/// <param name="Priors">The priors used for training, with intervals and counts.</param>
/// <param name="Training">The report of the round's last training run (with cross-fitting, the last fold's).</param>
/// <param name="Flips">Items that had a label before the round and changed it.</param>
/// <param name="NewlyLabeled">Items that were abstained before the round and got a label.</param>
/// <param name="PositiveShare">Share of items labeled positive after the round.</param>
/// <param name="SampleAgreement">Share of the labeled sample whose gold label matches the round's label.</param>
/// <param name="SampleAgreementInterval">Jeffreys interval for <paramref name="SampleAgreement"/>.</param>
/// <param name="Seconds">Wall-clock seconds for the round (priors, training of every fold, relabeling, assessment).</param>
/// <param name="Assessment">The round's labels judged against the initial labels (estimated accuracy and gain with
/// intervals, the sample's paired count, whether they qualify to be returned).</param>
/// <param name="ConfidentFlipsAssessment">The same for the cautious variant of the round: the initial labels with only
/// the items flipped whose posterior contradicts them with more than <see cref="IterativeRefinerOptions.ConfidentFlipThreshold"/>.</param>
public sealed record RoundReport(
    int Round,
    PriorEstimate Priors,
    TrainingReport Training,
    int Flips,
    int NewlyLabeled,
    double PositiveShare,
    double SampleAgreement,
    ConfidenceInterval SampleAgreementInterval,
    double Seconds,
    CandidateAssessment Assessment,
    CandidateAssessment ConfidentFlipsAssessment);
