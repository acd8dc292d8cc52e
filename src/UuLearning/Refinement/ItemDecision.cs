namespace UuLearning;

/// <summary>The refinement's decision for one item.</summary>
/// <param name="Index">Zero-based position of the item in the corpus.</param>
/// <param name="Initial">The initial pseudo-label (possibly <see cref="PseudoLabel.Abstained"/>).</param>
/// <param name="Refined">The returned label (never abstained; the gold label for items of the labeled sample).</param>
/// <param name="Score">The chosen candidate's score g(x) for the item (out-of-fold when cross-fitted); positive means the positive class.</param>
/// <param name="Posterior">The calibrated probability P(y = +1 | score, initial label) (1 or 0 for labeled-sample items: their gold label).</param>
/// <param name="Changed">Whether the returned label differs from the initial one (an abstained item always counts as changed).</param>
/// <param name="InLabeledSample">Whether the item is in the labeled sample, so <paramref name="Refined"/> is its gold label.</param>
public readonly record struct ItemDecision(int Index, PseudoLabel Initial, PseudoLabel Refined, float Score, double Posterior, bool Changed, bool InLabeledSample)
{
    /// <summary>How sure the posterior is of the returned label: max(p, 1 - p). Low values are the items to review first.</summary>
    public double Confidence => Math.Max(Posterior, 1 - Posterior);
}
