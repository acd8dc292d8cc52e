namespace UuLearning;

/// <summary>The refinement's decision for one item.</summary>
/// <param name="Index">Zero-based position of the item in the corpus.</param>
/// <param name="Initial">The initial pseudo-label (possibly <see cref="PseudoLabel.Abstained"/>).</param>
/// <param name="Refined">The refined label (never abstained).</param>
/// <param name="Score">The chosen round's score g(x); positive means the positive class.</param>
/// <param name="Changed">Whether the refined label differs from the initial one (an abstained item always counts as changed).</param>
public readonly record struct ItemDecision(int Index, PseudoLabel Initial, PseudoLabel Refined, float Score, bool Changed);
