using System.Globalization;
using System.Text;
using Microsoft.ML.Tokenizers;

namespace UuLearning.Internal;

/// <summary>The normalisation of the reference BERT uncased tokenizer (Hugging Face <c>BertNormalizer</c> with
/// clean_text, handle_chinese_chars, strip_accents and lowercase all on), in its order: NUL, U+FFFD and control or
/// format characters removed; tab, newline, carriage return and other white space turned into spaces; CJK ideographs
/// set between spaces; NFD with non-spacing marks removed; lower case. The result is not recomposed (Hangul stays in
/// jamo, as in the reference).</summary>
/// <remarks>Microsoft.ML.Tokenizers' own Bert normalizer drops tab and newline (they are control characters) instead of
/// reading them as spaces, and recomposes to NFC; hence this one.</remarks>
internal sealed class ReferenceBertNormalizer : Normalizer
{
    public static ReferenceBertNormalizer Instance { get; } = new();

    public override string Normalize(string original)
    {
        ArgumentNullException.ThrowIfNull(original);
        if (IsPlainAscii(original))
        {
            return original.ToLowerInvariant();
        }

        var cleaned = new StringBuilder(original.Length + 8);
        Span<char> utf16 = stackalloc char[2];
        foreach (var rune in original.EnumerateRunes())
        {
            var category = Rune.GetUnicodeCategory(rune);
            if (rune.Value is '\t' or '\n' or '\r' || Rune.IsWhiteSpace(rune))
            {
                cleaned.Append(' ');
            }
            else if (rune.Value is 0 or 0xFFFD || category is UnicodeCategory.Control or UnicodeCategory.Format
                         or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned)
            {
                // removed, as the reference's clean_text removes "other" characters
            }
            else if (IsCjk(rune.Value))
            {
                cleaned.Append(' ').Append(utf16[..rune.EncodeToUtf16(utf16)]).Append(' ');
            }
            else
            {
                cleaned.Append(utf16[..rune.EncodeToUtf16(utf16)]);
            }
        }

        var decomposed = cleaned.ToString().Normalize(NormalizationForm.FormD);
        var stripped = new StringBuilder(decomposed.Length);
        foreach (var rune in decomposed.EnumerateRunes())
        {
            if (Rune.GetUnicodeCategory(rune) != UnicodeCategory.NonSpacingMark)
            {
                stripped.Append(utf16[..rune.EncodeToUtf16(utf16)]);
            }
        }

        return stripped.ToString().ToLowerInvariant();
    }

    public override string Normalize(ReadOnlySpan<char> original) => Normalize(original.ToString());

    /// <summary>Printable ASCII and space only: nothing to clean, split or strip, just lower case.</summary>
    private static bool IsPlainAscii(string text)
    {
        foreach (var c in text)
        {
            if (c is < ' ' or > '~')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The CJK Unified Ideographs blocks, as the reference's <c>_is_chinese_char</c> lists them.</summary>
    internal static bool IsCjk(int cp) =>
        cp is (>= 0x4E00 and <= 0x9FFF) or (>= 0x3400 and <= 0x4DBF) or (>= 0x20000 and <= 0x2A6DF)
            or (>= 0x2A700 and <= 0x2B73F) or (>= 0x2B740 and <= 0x2B81F) or (>= 0x2B820 and <= 0x2CEAF)
            or (>= 0xF900 and <= 0xFAFF) or (>= 0x2F800 and <= 0x2FA1F);
}
