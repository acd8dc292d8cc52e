namespace UuLearning;

/// <summary>The multi-class refinement's decision for one item.</summary>
/// <param name="Index">Zero-based position of the item in the corpus.</param>
/// <param name="Initial">The initial class index, or -1 when the labeler abstained.</param>
/// <param name="Refined">The returned class index (the gold label for labeled-sample items).</param>
/// <param name="Confidence">The calibrated probability that <paramref name="Refined"/> is right (1 for labeled-sample items).
/// Low values are the items to review first.</param>
/// <param name="Changed">Whether the returned label differs from the initial one (an abstained item always counts as changed).</param>
/// <param name="InLabeledSample">Whether the item is in the labeled sample.</param>
public readonly record struct MultiClassItemDecision(int Index, int Initial, int Refined, double Confidence, bool Changed, bool InLabeledSample);
