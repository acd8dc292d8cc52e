namespace UuLearning;

/// <summary>How each round turns its scores into labels (the labels the next round trains on and a candidate to return).</summary>
public enum RelabelingRule
{
    /// <summary>The paper's rule: the sign of the score, sign(g(x)).</summary>
    Sign = 0,

    /// <summary>
    /// The label with the higher calibrated posterior P(y = +1 | score, initial label): a logistic regression on the
    /// labeled sample with the (out-of-fold) score and the initial labeler's answer as inputs, fitted jointly so the
    /// label's weight is learned given the score (the two are not independent given the class: the scorer learned from
    /// those labels). A weak scorer cannot overrule a good labeler, and a strong one still corrects it. Applied every
    /// round and fed back as the next round's training labels.
    /// </summary>
    Posterior = 1,
}
