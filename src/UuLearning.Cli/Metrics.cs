namespace UuLearning.Cli;

/// <summary>Accuracy and F1 of predicted labels against gold, over the items that have a gold label.</summary>
internal readonly record struct Metrics(double Accuracy, double F1, int Items)
{
    /// <summary>Abstained predictions count as negative (the CLI's convention for the initial labels).</summary>
    public static Metrics Of(IReadOnlyList<PseudoLabel> predicted, IReadOnlyList<bool?> gold)
    {
        int tp = 0, fp = 0, fn = 0, correct = 0, n = 0;
        for (int i = 0; i < gold.Count; i++)
        {
            if (gold[i] is not bool g)
            {
                continue;
            }
            bool p = predicted[i] == PseudoLabel.Positive;
            n++;
            if (p == g)
            {
                correct++;
            }
            if (p && g)
            {
                tp++;
            }
            else if (p)
            {
                fp++;
            }
            else if (g)
            {
                fn++;
            }
        }
        double f1 = tp == 0 ? 0 : 2.0 * tp / (2.0 * tp + fp + fn);
        return new Metrics(n == 0 ? double.NaN : (double)correct / n, f1, n);
    }
}
