using UuLearning.Internal;

namespace UuLearning.Tests;

public class MiniLmTokenizerTests
{
    private static readonly MiniLmTokenizer Tokenizer = MiniLmTokenizer.Load();

    private static int[] Encode(string text) => Tokenizer.Encode(text, 512);

    // Expected ids below were derived by hand from the package's vocab.txt (id = line number - 1), following the
    // reference BERT uncased tokenizer (Hugging Face BertNormalizer + BertPreTokenizer + WordPiece, 100 characters per
    // word): [CLS]=101 [SEP]=102 [UNK]=100 hello=7592 world=2088 $=1002 5=1019 foo=29379 _=1035 bar=3347 hi=7632
    // http=8299 :=1024 /=1013 www=7479 .=1012 youtube=7858 com=4012 watch=3422 ?=1029 v==1058,1027 abc=5925
    // cafe=7668 naive=15743 東=1879 京=1755 it=2009 ’=1521 s=1055 i=1045 <=1026 3=1017 xx=22038 ##xx=20348
    // ᄒ=1469 ##ᅡ=30006 ##ᆫ=30021.
    [Theory]
    [InlineData("hello\nworld", new[] { 101, 7592, 2088, 102 })]
    [InlineData("hello\tworld", new[] { 101, 7592, 2088, 102 })]
    [InlineData("Hello\r\n\r\nWORLD ", new[] { 101, 7592, 2088, 102 })]
    [InlineData("$5 foo_bar", new[] { 101, 1002, 1019, 29379, 1035, 3347, 102 })]
    [InlineData("hi 😀", new[] { 101, 7632, 100, 102 })]
    [InlineData("hi😀", new[] { 101, 100, 102 })]
    [InlineData("http://www.youtube.com/watch?v=abc", new[] { 101, 8299, 1024, 1013, 1013, 7479, 1012, 7858, 1012, 4012, 1013, 3422, 1029, 1058, 1027, 5925, 102 })]
    [InlineData("Café NAÏVE", new[] { 101, 7668, 15743, 102 })]
    [InlineData("東京", new[] { 101, 1879, 1755, 102 })]
    [InlineData("it’s", new[] { 101, 2009, 1521, 1055, 102 })]
    [InlineData("I <3 it", new[] { 101, 1045, 1026, 1017, 2009, 102 })]
    [InlineData("hel\u00ADlo wo\u200Brld", new[] { 101, 7592, 2088, 102 })]
    [InlineData("한", new[] { 101, 1469, 30006, 30021, 102 })]
    [InlineData("", new[] { 101, 102 })]
    public void Encode_TrickyText_ReferenceIds(string text, int[] expected)
    {
        Assert.Equal(expected, Encode(text));
    }

    [Fact]
    public void Encode_WordOf60Characters_WordPiecesWherePackageDroppedIt()
    {
        // Greedy longest match over "x" * 60: "xx" then 29 times "##xx" (no "xxx" or "##xxx" in the vocabulary).
        Assert.Equal([101, 22038, .. Enumerable.Repeat(20348, 29), 102], Encode(new string('x', 60)));
    }

    [Fact]
    public void Encode_WordsOf100And101Characters_PiecesThenUnknown()
    {
        Assert.Equal(1 + 49 + 2, Encode(new string('x', 100)).Length);
        Assert.Equal([101, 7592, 100, 2088, 102], Encode("hello " + new string('x', 101) + " world"));
    }

    [Fact]
    public void Encode_LongText_ClsFirst510PiecesSep()
    {
        // "hellohello" is not a word of the vocabulary but "hello" is; a 12-piece boundary word must be cut piece by
        // piece, as the reference truncates, not dropped whole.
        var text = string.Join(' ', Enumerable.Repeat("hello", 505)) + " " + new string('x', 24) + " world";

        var ids = Tokenizer.Encode(text, 512);

        Assert.Equal([101, .. Enumerable.Repeat(7592, 505), 22038, 20348, 20348, 20348, 20348, 102], ids);
        Assert.Equal([101, 7592, 7592, 102], Tokenizer.Encode("hello hello hello", 4));
    }

    [Theory]
    [InlineData("The quick brown fox jumps over the lazy dog.")]
    [InlineData("Check out my channel, it's AWESOME!!! Subscribe please :)")]
    [InlineData("Unbelievably tokenization-heavy sentences, (with brackets) and numbers like 1234.5!")]
    public void Encode_OrdinaryText_SameIdsAsLibraryBertTokenizer(string text)
    {
        // On text without tabs, newlines, symbols, emoji or underscores the library's own Bert tokenizer follows the
        // same rules: an independent check of the normaliser, word split and WordPiece wiring.
        var library = MiniLmTokenizer.LoadLibraryDefault();

        Assert.Equal(library.EncodeToIds(text, addSpecialTokens: true), Encode(text));
    }
}
