using System.Text.Json;

namespace UuLearning;

/// <summary>
/// Reads a model's free-text (or JSON) answer as a label. The rules are documented in docs/labeling.md; an answer it cannot
/// read becomes an abstention (<see cref="LabelingOutcome.Unreadable"/>), never a guess.
/// </summary>
/// <remarks>Stateless and thread-safe.</remarks>
internal static class LabelAnswerParser
{
    private static readonly string[] s_positiveWords = ["yes", "true", "1", "+1", "positive", "y"];
    private static readonly string[] s_negativeWords = ["no", "false", "0", "-1", "negative", "n"];
    private static readonly string[] s_abstainWords =
        ["unsure", "uncertain", "unknown", "abstain", "abstained", "neither", "none", "n/a", "na", "undecided", "unclear", "maybe"];
    private static readonly string[] s_abstainPhrases =
        ["not sure", "cannot determine", "can't determine", "cannot tell", "can't tell", "hard to say", "it depends", "i don't know", "i do not know"];
    private static readonly string[] s_refusalPhrases =
        ["i'm sorry", "i am sorry", "sorry", "i cannot", "i can't", "i can not", "i won't", "i will not", "i'm unable", "i am unable",
         "unable to", "as an ai", "i'm not able", "i am not able", "i apologize", "i must decline", "i decline"];
    private static readonly string[] s_prefixes = ["answer", "label", "classification", "class", "category", "final answer", "output", "response"];

    /// <summary>Parses an answer.</summary>
    /// <param name="answer">The raw answer text (may be null or empty).</param>
    /// <param name="positiveName">The positive class name.</param>
    /// <param name="negativeName">The negative class name.</param>
    /// <returns>The label, how it was read, and a confidence when the answer was JSON carrying one.</returns>
    public static (PseudoLabel Label, LabelingOutcome Outcome, double? Confidence) Parse(string? answer, string positiveName, string negativeName)
    {
        if (string.IsNullOrWhiteSpace(answer))
        {
            return (PseudoLabel.Abstained, LabelingOutcome.Unreadable, null);
        }

        string text = answer.Trim();
        if (TryParseJson(text, positiveName, negativeName, out var fromJson))
        {
            return fromJson;
        }

        var (label, outcome) = ParseText(text, positiveName, negativeName);
        return (label, outcome, null);
    }

    private static (PseudoLabel, LabelingOutcome) ParseText(string text, string positiveName, string negativeName)
    {
        string s = Normalize(text);
        if (s.Length == 0)
        {
            return (PseudoLabel.Abstained, LabelingOutcome.Unreadable);
        }

        // The class names first, longest first, so that "not spam" is not read as "spam".
        string pos = Normalize(positiveName);
        string neg = Normalize(negativeName);
        bool posFirst = pos.Length >= neg.Length;
        foreach (var (name, label) in posFirst
                     ? new[] { (pos, PseudoLabel.Positive), (neg, PseudoLabel.Negative) }
                     : new[] { (neg, PseudoLabel.Negative), (pos, PseudoLabel.Positive) })
        {
            if (name.Length > 0 && StartsWithWord(s, name))
            {
                return (label, LabelingOutcome.Labeled);
            }
        }

        // A lone option letter: A = positive class, B = negative class (as the option list in a prompt would give them).
        string bare = s.TrimEnd('.', ')', ']', ':', '!', ' ');
        if (bare is "a" or "(a" or "option a")
        {
            return (PseudoLabel.Positive, LabelingOutcome.Labeled);
        }
        if (bare is "b" or "(b" or "option b")
        {
            return (PseudoLabel.Negative, LabelingOutcome.Labeled);
        }

        foreach (string phrase in s_refusalPhrases)
        {
            if (StartsWithWord(s, phrase))
            {
                return (PseudoLabel.Abstained, LabelingOutcome.Refused);
            }
        }
        foreach (string phrase in s_abstainPhrases)
        {
            if (StartsWithWord(s, phrase))
            {
                return (PseudoLabel.Abstained, LabelingOutcome.Abstained);
            }
        }

        string first = FirstToken(s);
        if (Array.IndexOf(s_positiveWords, first) >= 0)
        {
            return (PseudoLabel.Positive, LabelingOutcome.Labeled);
        }
        if (Array.IndexOf(s_negativeWords, first) >= 0)
        {
            return (PseudoLabel.Negative, LabelingOutcome.Labeled);
        }
        if (Array.IndexOf(s_abstainWords, first) >= 0)
        {
            return (PseudoLabel.Abstained, LabelingOutcome.Abstained);
        }
        return (PseudoLabel.Abstained, LabelingOutcome.Unreadable);
    }

    /// <summary>Lower-cases, drops leading punctuation and markup, and a leading "Answer:"-style prefix.</summary>
    private static string Normalize(string text)
    {
        string s = text.Trim().ToLowerInvariant();
        for (int pass = 0; pass < 3; pass++)
        {
            s = s.TrimStart(' ', '\t', '\r', '\n', '*', '_', '`', '"', '\'', '#', '>', '-', ':', '.', ',', '[', '{', '\u201C', '\u2018', '\u00AB');
            foreach (string prefix in s_prefixes)
            {
                if (s.StartsWith(prefix, StringComparison.Ordinal) && s.Length > prefix.Length)
                {
                    string rest = s[prefix.Length..].TrimStart(' ', '*', '_');
                    if (rest.StartsWith(':') || rest.StartsWith('='))
                    {
                        s = rest[1..];
                        break;
                    }
                }
            }
        }
        return s.Trim();
    }

    private static bool StartsWithWord(string s, string word) =>
        s.StartsWith(word, StringComparison.Ordinal) && (s.Length == word.Length || !IsWordChar(s[word.Length]));

    private static bool IsWordChar(char c) => char.IsLetterOrDigit(c) || c is '-' or '_' or '\'';

    private static string FirstToken(string s)
    {
        int end = 0;
        while (end < s.Length && (char.IsLetterOrDigit(s[end]) || s[end] is '+' or '-' or '/' or '\''))
        {
            end++;
        }
        return s[..end];
    }

    private static bool TryParseJson(string text, string positiveName, string negativeName,
        out (PseudoLabel, LabelingOutcome, double?) result)
    {
        result = default;
        int start = text.IndexOf('{', StringComparison.Ordinal);
        int end = text.LastIndexOf('}');
        if (start < 0 || end <= start)
        {
            return false;
        }

        try
        {
            using var doc = JsonDocument.Parse(text.AsMemory(start, end - start + 1));
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                return false;
            }
            JsonElement? value = null;
            double? confidence = null;
            foreach (var property in doc.RootElement.EnumerateObject())
            {
                string name = property.Name.ToLowerInvariant();
                if (value is null && name is "label" or "answer" or "class" or "classification" or "category" or "result" or "data")
                {
                    value = property.Value;
                }
                else if (name is "confidence" or "probability" or "score" && property.Value.ValueKind == JsonValueKind.Number
                         && property.Value.TryGetDouble(out double c))
                {
                    confidence = c;
                }
            }
            if (value is not JsonElement v)
            {
                return false;
            }
            (PseudoLabel label, LabelingOutcome outcome) = v.ValueKind switch
            {
                JsonValueKind.True => (PseudoLabel.Positive, LabelingOutcome.Labeled),
                JsonValueKind.False => (PseudoLabel.Negative, LabelingOutcome.Labeled),
                JsonValueKind.Number => ParseText(v.GetRawText(), positiveName, negativeName),
                JsonValueKind.String => ParseText(v.GetString() ?? string.Empty, positiveName, negativeName),
                JsonValueKind.Null => (PseudoLabel.Abstained, LabelingOutcome.Abstained),
                _ => (PseudoLabel.Abstained, LabelingOutcome.Unreadable),
            };
            result = (label, outcome, label == PseudoLabel.Abstained ? null : NormalizeConfidence(confidence));
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Keeps a confidence in [0, 1]; a value outside (or NaN) is dropped rather than clamped.</summary>
    internal static double? NormalizeConfidence(double? confidence) =>
        confidence is double c && c >= 0 && c <= 1 ? c : null;
}
