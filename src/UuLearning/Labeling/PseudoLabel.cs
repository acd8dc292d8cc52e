namespace UuLearning;

/// <summary>
/// A weak label for one item of the corpus: positive, negative, or no answer.
/// </summary>
/// <remarks>
/// The numeric values follow the method's notation (+1 / -1), so <c>(int)label</c> is the sign used by the UU risk.
/// </remarks>
public enum PseudoLabel : sbyte
{
    /// <summary>The labeler assigned the negative class (-1).</summary>
    Negative = -1,

    /// <summary>The labeler gave no usable answer; the item is left out of the pseudo-labeled sets until a scorer labels it.</summary>
    Abstained = 0,

    /// <summary>The labeler assigned the positive class (+1).</summary>
    Positive = 1,
}
