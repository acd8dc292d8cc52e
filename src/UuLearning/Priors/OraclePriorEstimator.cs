using System.Globalization;

namespace UuLearning;

/// <summary>
/// A research tool: computes thetaP, thetaN and pi exactly from the gold label of <b>every</b> corpus item. It uses far
/// more gold information than a real user has, so results obtained with it are an upper bound (the paper's "oracle"
/// setting), never a claim about the few-label setting.
/// </summary>
/// <remarks>
/// <para>For the current pseudo-labels, <c>thetaP</c> is the gold-positive share of the items pseudo-labeled +1,
/// <c>thetaN</c> that of the items pseudo-labeled -1, and <c>pi</c> that of all non-abstained items, so
/// <c>pi = rho thetaP + (1 - rho) thetaN</c> holds exactly. Intervals have zero width and level 1. The labeled sample
/// passed to <see cref="Estimate"/> is only checked against the corpus size; its labels are not used.</para>
/// <para>Immutable and thread-safe. The constructor copies the gold labels.</para>
/// </remarks>
public sealed class OraclePriorEstimator : IPriorEstimator
{
    private readonly bool[] _gold;

    /// <summary>Creates the oracle from the gold label of every corpus item.</summary>
    /// <param name="gold">Gold labels (<see langword="true"/> = positive), one per corpus item, in corpus order.</param>
    /// <exception cref="ArgumentNullException"><paramref name="gold"/> is null.</exception>
    public OraclePriorEstimator(IReadOnlyList<bool> gold)
    {
        ArgumentNullException.ThrowIfNull(gold);
        _gold = gold.ToArray();
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="pseudoLabels"/> or <paramref name="sample"/> is null.</exception>
    /// <exception cref="ArgumentException">The corpus size differs from the number of gold labels.</exception>
    public PriorEstimate Estimate(IReadOnlyList<PseudoLabel> pseudoLabels, LabeledSample sample)
    {
        ArgumentNullException.ThrowIfNull(pseudoLabels);
        if (pseudoLabels.Count != _gold.Length)
        {
            throw new ArgumentException(
                $"The corpus has {pseudoLabels.Count} pseudo-labels but the oracle holds {_gold.Length} gold labels; give one gold label per corpus item.", nameof(pseudoLabels));
        }
        var tally = PriorTally.Count(pseudoLabels, sample);

        int pp = 0, pn = 0;
        for (int i = 0; i < _gold.Length; i++)
        {
            if (!_gold[i])
            {
                continue;
            }
            switch (pseudoLabels[i])
            {
                case PseudoLabel.Positive: pp++; break;
                case PseudoLabel.Negative: pn++; break;
            }
        }

        int positive = tally.PseudoPositive;
        int negative = tally.CorpusSize - positive;
        double thetaP = (double)pp / positive;
        double thetaN = (double)pn / negative;
        double pi = (double)(pp + pn) / tally.CorpusSize;
        const string method = "oracle (gold labels of the whole corpus)";

        ClassPriors priors;
        try
        {
            priors = new ClassPriors(thetaP, thetaN, pi);
        }
        catch (ArgumentOutOfRangeException ex)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"The true priors do not support UU learning: thetaP = {thetaP:0.0000}, thetaN = {thetaN:0.0000} (margin {thetaP - thetaN:0.0000}, at least {ClassPriors.MinimumMargin} is needed). The pseudo-labels are too close to random; use a better initial labeler."), ex);
        }

        return new PriorEstimate(priors,
            new ConfidenceInterval(thetaP, thetaP, 1.0),
            new ConfidenceInterval(thetaN, thetaN, 1.0),
            new ConfidenceInterval(pi, pi, 1.0),
            new PriorCounts(tally.CorpusSize, positive, tally.CorpusSize, positive, pp, pn, pp + pn),
            method);
    }
}
