namespace UuLearning;

/// <summary>Which labeling a refinement returns.</summary>
public enum RoundSelection
{
    /// <summary>
    /// Do no harm: return the initial labels unless the evidence says a refined round is better. Each round's labels are
    /// judged against the initial labels on every item outside the labeled sample through calibrated posteriors; a round
    /// qualifies when its estimated gain is positive and the gain's one-sided lower bound is above minus
    /// <see cref="IterativeRefinerOptions.HarmTolerance"/>. The labeled sample's paired residuals (items where the two labelings differ, each judged
    /// leave-one-out) corrects the estimate. Among qualifying candidates (each round's full relabeling and its cautious,
    /// confident-flips-only variant), the one with the highest estimated gain wins.
    /// </summary>
    DoNoHarm = 0,

    /// <summary>The last round that ran (the paper's behaviour), whatever the evidence.</summary>
    Last = 1,
}
