namespace UuLearning;

/// <summary>Why the refinement loop stopped.</summary>
public enum RefinementStopReason
{
    /// <summary>It ran <see cref="IterativeRefinerOptions.MaxRounds"/> rounds.</summary>
    MaxRounds = 0,

    /// <summary>The share of items whose label flipped fell below <see cref="IterativeRefinerOptions.FlipTolerance"/>.</summary>
    Converged = 1,

    /// <summary>The prior estimator found thetaP and thetaN too close to go on; the last good round was kept.</summary>
    PriorsIndistinguishable = 2,
}
