using System.Globalization;

/// <summary>Formats an accuracy difference with its sign kept: .NET's "+0.000;-0.000" prints "-+0.000" for a small
/// negative value that rounds to zero (-0.0002), which read as a typo in the tables.</summary>
internal static class Gain
{
    /// <summary>"+0.012", "-0.003", and "-0.000" for a negative difference that rounds to zero.</summary>
    public static string Signed(double value) =>
        (value < 0 ? "-" : "+") + Math.Abs(Math.Round(value, 3)).ToString("0.000", CultureInfo.InvariantCulture);
}
