namespace UuLearning;

/// <summary>What one multi-class refinement round did.</summary>
/// <param name="Round">The 1-based round.</param>
/// <param name="Priors">The priors the round trained with, with intervals.</param>
/// <param name="Flips">Items that had a label before the round and changed it.</param>
/// <param name="NewlyLabeled">Items that were abstained before the round and got a label.</param>
/// <param name="SampleAgreement">Share of the labeled sample whose gold label matches the round's label.</param>
/// <param name="Seconds">Wall-clock seconds for the round.</param>
/// <param name="Assessment">The round's labels judged against the initial labels.</param>
/// <param name="ConfidentFlipsAssessment">The same for the round's cautious variant (initial labels, confident flips only).</param>
public sealed record MultiClassRoundReport(
    int Round,
    MultiClassPriorEstimate Priors,
    int Flips,
    int NewlyLabeled,
    double SampleAgreement,
    double Seconds,
    CandidateAssessment Assessment,
    CandidateAssessment ConfidentFlipsAssessment);
