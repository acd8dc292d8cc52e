namespace UuLearning;

/// <summary>
/// The result of an <see cref="IPriorEstimator"/>: point estimates (as validated <see cref="ClassPriors"/>), their
/// confidence intervals, and the counts they came from.
/// </summary>
/// <param name="Priors">Point estimates used for training.</param>
/// <param name="ThetaP">Interval for thetaP.</param>
/// <param name="ThetaN">Interval for thetaN.</param>
/// <param name="Pi">Interval for pi (zero width when pi is known exactly or given by the user).</param>
/// <param name="Counts">The counts behind the estimates.</param>
/// <param name="Method">A short description of the estimator and design, for reports (for example "few-label, uniform random").</param>
public sealed record PriorEstimate(
    ClassPriors Priors,
    ConfidenceInterval ThetaP,
    ConfidenceInterval ThetaN,
    ConfidenceInterval Pi,
    PriorCounts Counts,
    string Method);

/// <summary>Counts behind a prior estimate.</summary>
/// <param name="CorpusSize">Items in the corpus with a pseudo-label (abstentions excluded).</param>
/// <param name="PseudoPositive">Items pseudo-labeled +1 in the corpus; <c>rho = PseudoPositive / CorpusSize</c>.</param>
/// <param name="SampleSize">Labeled items used (those whose pseudo-label is not abstained).</param>
/// <param name="SamplePseudoPositive">Labeled items pseudo-labeled +1.</param>
/// <param name="SamplePseudoPositiveGoldPositive">Labeled items pseudo-labeled +1 whose gold label is positive.</param>
/// <param name="SamplePseudoNegativeGoldPositive">Labeled items pseudo-labeled -1 whose gold label is positive.</param>
/// <param name="SampleGoldPositive">Labeled items whose gold label is positive.</param>
public sealed record PriorCounts(
    int CorpusSize,
    int PseudoPositive,
    int SampleSize,
    int SamplePseudoPositive,
    int SamplePseudoPositiveGoldPositive,
    int SamplePseudoNegativeGoldPositive,
    int SampleGoldPositive)
{
    /// <summary>The pseudo-positive share of the corpus, known exactly.</summary>
    public double Rho => CorpusSize == 0 ? double.NaN : (double)PseudoPositive / CorpusSize;
}
