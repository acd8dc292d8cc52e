using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace UuLearning.Cli;

/// <summary>
/// Checks numeric and named flag values while the command line is parsed, so that a bad value is a usage error (exit 2)
/// that names the flag, what it accepts and what was given, in the user's words, before anything is read or sent. The
/// ranges are those of the library options behind the flags, whose own messages name the property instead.
/// </summary>
internal static class FlagRules
{
    /// <summary>A whole number in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static void Range(Option<int> option, int min, int max) =>
        option.CustomParser = result => ParseInt(result, option.Name, min, max) ?? 0;

    /// <summary>An optional whole number in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static void Range(Option<int?> option, int min, int max) =>
        option.CustomParser = result => ParseInt(result, option.Name, min, max);

    /// <summary>An optional number greater than 0 and at most <paramref name="max"/>.</summary>
    public static void PositiveUpTo(Option<double?> option, double max) =>
        option.CustomParser = result =>
        {
            string text = Token(result);
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && value > 0 && value <= max)
            {
                return value;
            }
            result.AddError(string.Create(CultureInfo.InvariantCulture, $"{option.Name} must be a number greater than 0 and at most {max}; got '{text}'."));
            return null;
        };

    /// <summary>One of the <paramref name="allowed"/> names (case-sensitive), offered as completions too.</summary>
    public static void OneOf(Option<string> option, params string[] allowed)
    {
        option.Validators.Add(result =>
        {
            string? value = result.GetValueOrDefault<string>();
            if (value is not null && !allowed.Contains(value, StringComparer.Ordinal))
            {
                result.AddError($"{option.Name} must be one of {string.Join(", ", allowed)}; got '{value}'.");
            }
        });
        option.CompletionSources.Add(allowed);
    }

    /// <summary>A value with more than white space; <paramref name="advice"/> says what to give.</summary>
    public static void NotBlank(Option<string> option, string advice) =>
        option.Validators.Add(result =>
        {
            if (string.IsNullOrWhiteSpace(result.GetValueOrDefault<string>()))
            {
                result.AddError($"{option.Name} is empty; {advice}");
            }
        });

    /// <summary>Two class names that differ when both are given (ignoring case and surrounding spaces, as the library
    /// compares them).</summary>
    public static void DifferentClassNames<T>(Command command, Option<T> positive, Option<T> negative)
        where T : class? =>
        command.Validators.Add(result =>
            CheckDifferent(result, positive.Name, result.GetValue(positive) as string, negative.Name, result.GetValue(negative) as string));

    private static void CheckDifferent(CommandResult result, string positiveFlag, string? positive, string negativeFlag, string? negative)
    {
        if (!string.IsNullOrWhiteSpace(positive) && string.Equals(positive.Trim(), negative?.Trim(), StringComparison.OrdinalIgnoreCase))
        {
            result.AddError($"{positiveFlag} and {negativeFlag} are both '{positive.Trim()}'; give two different class names.");
        }
    }

    private static int? ParseInt(ArgumentResult result, string flag, int min, int max)
    {
        string text = Token(result);
        string range = (min, max) switch
        {
            (int.MinValue, int.MaxValue) => "a whole number",
            (_, int.MaxValue) => string.Create(CultureInfo.InvariantCulture, $"a whole number, at least {min}"),
            _ => string.Create(CultureInfo.InvariantCulture, $"a whole number between {min} and {max}"),
        };
        if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value) && value >= min && value <= max)
        {
            return value;
        }
        result.AddError($"{flag} must be {range}; got '{text}'.");
        return null;
    }

    private static string Token(ArgumentResult result) => result.Tokens.Count > 0 ? result.Tokens[^1].Value : string.Empty;
}
