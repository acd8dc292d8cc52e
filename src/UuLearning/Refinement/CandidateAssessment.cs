namespace UuLearning;

/// <summary>How a refined candidate compares with the initial labels, on the items outside the labeled sample.</summary>
/// <param name="Round">The round that produced the candidate.</param>
/// <param name="ConfidentFlipsOnly">Whether the candidate keeps the initial label except where the round's posterior
/// contradicts it with more than <see cref="IterativeRefinerOptions.ConfidentFlipThreshold"/> (else it takes the label with
/// the higher posterior on every item).</param>
/// <param name="Accuracy">The candidate's estimated accuracy: its calibrated posteriors averaged over the items outside
/// the labeled sample, corrected by the mean residual on the sample (prediction-powered).</param>
/// <param name="InitialAccuracy">The initial labels' estimated accuracy, computed the same way from the same posteriors.</param>
/// <param name="Gain">The estimated gain of the candidate over the initial labels (a paired difference).</param>
/// <param name="GainInterval">The gain's interval: the sample residuals' variance plus the Bernoulli variation of the
/// items where the two labelings differ.</param>
/// <param name="SampleWins">Labeled-sample items where the candidate is right and the initial label wrong (each judged by
/// a posterior fitted without that item).</param>
/// <param name="SampleLosses">Labeled-sample items where the initial label is right and the candidate wrong.</param>
/// <param name="Eligible">Whether the evidence lets the candidate replace the initial labels: the estimated gain is
/// positive and the gain's lower bound is above minus <see cref="IterativeRefinerOptions.HarmTolerance"/>.</param>
public sealed record CandidateAssessment(
    int Round,
    bool ConfidentFlipsOnly,
    AccuracyEstimate Accuracy,
    AccuracyEstimate InitialAccuracy,
    double Gain,
    ConfidenceInterval GainInterval,
    int SampleWins,
    int SampleLosses,
    bool Eligible);
