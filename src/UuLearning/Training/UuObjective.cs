namespace UuLearning;

/// <summary>The training objective: which risk the scorer minimises.</summary>
public enum UuObjective
{
    /// <summary>The robust UU risk of the paper (default): <see cref="RobustUuLoss"/>.</summary>
    RobustUu = 0,

    /// <summary>The unbiased UU risk (Lu et al., 2019), for ablations: <see cref="UuLoss"/>.</summary>
    Uu = 1,

    /// <summary>Supervised (PN) training on the pseudo-labels as if they were true, the paper's baseline: <see cref="PnLoss"/>.</summary>
    Pn = 2,
}
