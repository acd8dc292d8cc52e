namespace UuLearning;

/// <summary>One item to label: a stable identifier and the text shown to the labeler.</summary>
/// <param name="Id">A stable identifier, unique within the corpus (for example the <c>id</c> column of a CSV file).
/// Resumable labelers key their stored annotations by it, so it must not change between runs.</param>
/// <param name="Text">The text to label.</param>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record LabelingItem(string Id, string Text);
