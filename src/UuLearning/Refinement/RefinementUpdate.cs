namespace UuLearning;

/// <summary>One element of <see cref="IterativeRefiner.RefineStreamingAsync"/>: a finished round, and on the last
/// element the final result.</summary>
/// <param name="Report">The round's report.</param>
/// <param name="Labels">Every item's label after this round.</param>
/// <param name="Result">The final result, set on the last update only (owned by the caller: dispose it).</param>
public sealed record RefinementUpdate(RoundReport Report, IReadOnlyList<PseudoLabel> Labels, RefinementResult? Result);
