namespace UuLearning;

/// <summary>How a labeler arrived at a <see cref="PseudoLabelResult"/>; kept for audit.</summary>
public enum LabelingOutcome
{
    /// <summary>The labeler gave a positive or negative label.</summary>
    Labeled = 0,

    /// <summary>The labeler abstained on purpose (for example answered "unsure", or a precomputed label was empty, or a vote was tied).</summary>
    Abstained = 1,

    /// <summary>The answer could not be read as either class; the item is abstained and the raw answer kept. Never a guess.</summary>
    Unreadable = 2,

    /// <summary>The model refused to answer (for example "I'm sorry, I can't help with that"); the item is abstained.</summary>
    Refused = 3,

    /// <summary>
    /// No answer was obtained (transient failures outlasted the retries, or the response could not be decoded); the item is
    /// abstained, the error is in <see cref="PseudoLabelResult.Error"/>, and a resumable labeler does not store it, so a
    /// rerun tries it again.
    /// </summary>
    Failed = 4,
}
