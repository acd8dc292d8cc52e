using System.Globalization;

namespace UuLearning;

/// <summary>A two-sided confidence interval for a proportion.</summary>
/// <param name="Lower">Lower bound.</param>
/// <param name="Upper">Upper bound.</param>
/// <param name="Level">Nominal coverage, for example 0.95.</param>
public readonly record struct ConfidenceInterval(double Lower, double Upper, double Level)
{
    /// <summary>Whether <paramref name="value"/> lies in [<see cref="Lower"/>, <see cref="Upper"/>].</summary>
    /// <param name="value">The value to test.</param>
    /// <returns><see langword="true"/> when the interval contains the value.</returns>
    public bool Contains(double value) => value >= Lower && value <= Upper;

    /// <summary>The interval's width.</summary>
    public double Width => Upper - Lower;

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"[{Lower:0.###}, {Upper:0.###}]");
}
