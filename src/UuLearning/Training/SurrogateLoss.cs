namespace UuLearning;

/// <summary>The surrogate loss <c>l(z)</c> applied to a margin <c>z</c> (the score for positives, minus the score for negatives).</summary>
public enum SurrogateLoss
{
    /// <summary><c>l(z) = sigmoid(-z)</c>, bounded in (0, 1): the paper's and its code's choice, and the default.</summary>
    Sigmoid = 0,

    /// <summary><c>l(z) = log(1 + exp(-z))</c>, the logistic (cross-entropy) loss; unbounded, convex.</summary>
    Logistic = 1,
}
