namespace UuLearning;

/// <summary>A worked example shown to the model before the item to label.</summary>
/// <param name="Text">The example's text.</param>
/// <param name="Label">Its label; must be <see cref="PseudoLabel.Positive"/> or <see cref="PseudoLabel.Negative"/>.</param>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record FewShotExample(string Text, PseudoLabel Label);
