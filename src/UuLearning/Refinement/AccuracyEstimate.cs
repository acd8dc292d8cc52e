using System.Globalization;

namespace UuLearning;

/// <summary>An estimated accuracy of a labeling on the items outside the labeled sample, with an interval.</summary>
/// <param name="Value">The estimate: the mean over those items of the calibrated probability that the label is right,
/// corrected by the mean residual (right or wrong, minus that probability) over the labeled sample.</param>
/// <param name="Interval">The interval: the residuals' sampling variance plus the items' own Bernoulli variation.</param>
public readonly record struct AccuracyEstimate(double Value, ConfidenceInterval Interval)
{
    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Value:0.000} {Interval}");
}
