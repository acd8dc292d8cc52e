namespace UuLearning;

/// <summary>The class a K-class labeler gave one item, with what is needed to audit it.</summary>
/// <param name="Id">The <see cref="LabelingItem.Id"/> of the labeled item.</param>
/// <param name="ClassIndex">The index of the chosen class in the labeler's class names, or -1 when the labeler
/// abstained (or failed: see <see cref="Outcome"/>).</param>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record ClassLabelResult(string Id, int ClassIndex)
{
    /// <summary>The index that means "no class": the labeler abstained or failed.</summary>
    public const int Abstained = -1;

    /// <summary>The labeler's raw answer (for an LLM, the response text), kept for audit.</summary>
    /// <value>Default: <see langword="null"/>.</value>
    public string? RawAnswer { get; init; }

    /// <summary>How the class was obtained.</summary>
    /// <value>Default: <see cref="LabelingOutcome.Labeled"/>.</value>
    public LabelingOutcome Outcome { get; init; } = LabelingOutcome.Labeled;

    /// <summary>The input (prompt) tokens the provider reported for the answer.</summary>
    /// <value>Default: <see langword="null"/> (not reported).</value>
    public long? InputTokens { get; init; }

    /// <summary>The output (completion) tokens the provider reported for the answer.</summary>
    /// <value>Default: <see langword="null"/> (not reported).</value>
    public long? OutputTokens { get; init; }

    /// <summary>The error that kept the labeler from answering, when <see cref="Outcome"/> is <see cref="LabelingOutcome.Failed"/>.</summary>
    /// <value>Default: <see langword="null"/>.</value>
    public string? Error { get; init; }
}
