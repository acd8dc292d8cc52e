namespace UuLearning;

/// <summary>What one training run did: per-epoch risks, the epoch kept, and the time taken.</summary>
/// <param name="TrainingItems">Pseudo-labeled items trained on.</param>
/// <param name="HeldOutItems">Pseudo-labeled items held out for epoch selection.</param>
/// <param name="TrainingRisk">Mean training risk (the objective) per epoch.</param>
/// <param name="HeldOutRisk">Risk of the objective on the held-out items per epoch (pseudo-labels only); empty without hold-out.</param>
/// <param name="BestEpoch">The 1-based epoch whose parameters were kept.</param>
/// <param name="Seconds">Wall-clock seconds.</param>
public sealed record TrainingReport(
    int TrainingItems,
    int HeldOutItems,
    IReadOnlyList<double> TrainingRisk,
    IReadOnlyList<double> HeldOutRisk,
    int BestEpoch,
    double Seconds);
