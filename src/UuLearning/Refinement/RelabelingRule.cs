namespace UuLearning;

/// <summary>How the returned labels are made from the chosen round's scores.</summary>
public enum RelabelingRule
{
    /// <summary>The paper's rule: the sign of the score, sign(g(x)).</summary>
    Sign = 0,

    /// <summary>
    /// Combine the score with the initial labeler's answer: the scores are calibrated on the labeled sample (Platt
    /// scaling, P(y = +1 | g) = sigmoid(a g + b)), the labeler's true- and false-positive rates are estimated from the
    /// same sample, and each item gets the label with the higher posterior, treating the two as independent given the
    /// class. A weak scorer (small a) then cannot overrule a good labeler, and a strong one still corrects it.
    /// </summary>
    Posterior = 1,
}
