namespace UuLearning;

/// <summary>Which labeling a refinement returns.</summary>
public enum RoundSelection
{
    /// <summary>
    /// Do no harm: return the initial labels unless the evidence says a refined round is better. Each round's labels are
    /// judged against the initial labels on every item outside the labeled sample through calibrated posteriors; a round
    /// qualifies when the interval of its estimated gain lies above zero (the calibration's noise measured by a bootstrap
    /// of the labeled sample) and the labeled sample's paired count (items where the two labelings differ, each judged
    /// leave-one-out) is not against it. Among qualifying rounds, the one with the highest lower bound wins.
    /// </summary>
    DoNoHarm = 0,

    /// <summary>The last round that ran (the paper's behaviour), whatever the evidence.</summary>
    Last = 1,
}
