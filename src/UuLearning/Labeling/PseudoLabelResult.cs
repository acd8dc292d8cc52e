namespace UuLearning;

/// <summary>The label a labeler gave one item, with what is needed to audit it.</summary>
/// <param name="Id">The <see cref="LabelingItem.Id"/> of the labeled item.</param>
/// <param name="Label">The label: <see cref="PseudoLabel.Positive"/>, <see cref="PseudoLabel.Negative"/> or <see cref="PseudoLabel.Abstained"/>.</param>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record PseudoLabelResult(string Id, PseudoLabel Label)
{
    private readonly LabelingOutcome? _outcome;

    /// <summary>The labeler's confidence in <see cref="Label"/>, in [0, 1], when it gave one.</summary>
    /// <value>Default: <see langword="null"/> (no confidence given).</value>
    public double? Confidence { get; init; }

    /// <summary>The labeler's raw answer (for an LLM, the response text), kept for audit.</summary>
    /// <value>Default: <see langword="null"/>.</value>
    public string? RawAnswer { get; init; }

    /// <summary>How the label was obtained.</summary>
    /// <value>Default: <see cref="LabelingOutcome.Labeled"/> when <see cref="Label"/> is positive or negative,
    /// <see cref="LabelingOutcome.Abstained"/> otherwise.</value>
    public LabelingOutcome Outcome
    {
        get => _outcome ?? (Label == PseudoLabel.Abstained ? LabelingOutcome.Abstained : LabelingOutcome.Labeled);
        init => _outcome = value;
    }

    /// <summary>The input (prompt) tokens the provider reported for the answer (<c>UsageDetails.InputTokenCount</c>).</summary>
    /// <value>Default: <see langword="null"/> (not reported).</value>
    public long? InputTokens { get; init; }

    /// <summary>The output (completion) tokens the provider reported for the answer (<c>UsageDetails.OutputTokenCount</c>).</summary>
    /// <value>Default: <see langword="null"/> (not reported).</value>
    public long? OutputTokens { get; init; }

    /// <summary>The error that kept the labeler from answering, when <see cref="Outcome"/> is <see cref="LabelingOutcome.Failed"/>.</summary>
    /// <value>Default: <see langword="null"/>.</value>
    public string? Error { get; init; }

    /// <summary>Value equality over every public property (an explicit <see cref="Outcome"/> equal to its default counts as the default).</summary>
    /// <param name="other">The result to compare with.</param>
    /// <returns>Whether the two results are equal.</returns>
    public bool Equals(PseudoLabelResult? other) =>
        other is not null
        && string.Equals(Id, other.Id, StringComparison.Ordinal)
        && Label == other.Label
        && Confidence == other.Confidence
        && string.Equals(RawAnswer, other.RawAnswer, StringComparison.Ordinal)
        && Outcome == other.Outcome
        && string.Equals(Error, other.Error, StringComparison.Ordinal)
        && InputTokens == other.InputTokens
        && OutputTokens == other.OutputTokens;

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Id, Label, Confidence, RawAnswer, Outcome, Error, InputTokens, OutputTokens);
}
