namespace UuLearning.Tests.TestDoubles;

/// <summary>A minimal uniform-sample estimator for refinement tests: add-half smoothing, pi from rho. No intervals.</summary>
internal sealed class SimpleUniformPriorEstimator : IPriorEstimator
{
    public PriorEstimate Estimate(IReadOnlyList<PseudoLabel> pseudoLabels, LabeledSample sample)
    {
        int corpus = pseudoLabels.Count(l => l != PseudoLabel.Abstained);
        int pp = pseudoLabels.Count(l => l == PseudoLabel.Positive);
        int np = 0, npGold = 0, nn = 0, nnGold = 0, goldPos = 0;
        for (int k = 0; k < sample.Count; k++)
        {
            var l = pseudoLabels[sample.Indices[k]];
            if (sample.Labels[k]) goldPos++;
            if (l == PseudoLabel.Positive) { np++; if (sample.Labels[k]) npGold++; }
            else if (l == PseudoLabel.Negative) { nn++; if (sample.Labels[k]) nnGold++; }
        }
        double tp = (npGold + 0.5) / (np + 1), tn = (nnGold + 0.5) / (nn + 1), rho = (double)pp / corpus;
        if (tp - tn < ClassPriors.MinimumMargin)
        {
            throw new InvalidOperationException($"thetaP {tp} and thetaN {tn} are too close.");
        }
        var priors = new ClassPriors(tp, tn, rho * tp + (1 - rho) * tn);
        var ci = new ConfidenceInterval(0, 1, 0.95);
        return new PriorEstimate(priors, ci, ci, ci, new PriorCounts(corpus, pp, np + nn, np, npGold, nnGold, goldPos), "test");
    }
}
