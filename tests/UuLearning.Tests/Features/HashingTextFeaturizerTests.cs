using Microsoft.Extensions.AI;

namespace UuLearning.Tests;

public class HashingTextFeaturizerTests
{
    private static readonly string[] Corpus =
    [
        "The cat sat on the mat.",
        "A dog chased the cat around the garden.",
        "Stock markets fell sharply on Monday.",
        "Investors sold shares as markets tumbled.",
        "The weather will be sunny tomorrow.",
        "Rain is expected later in the week.",
    ];

    private static double Dot(float[] a, float[] b) => a.Zip(b).Sum(p => (double)p.First * p.Second);

    private static double Norm(float[] a) => Math.Sqrt(Dot(a, a));

    [Fact]
    public void Fit_SameCorpusTwice_IdenticalVectorsAndModelId()
    {
        var first = HashingTextFeaturizer.Fit(Corpus);
        var second = HashingTextFeaturizer.Fit(Corpus.ToList());

        Assert.Equal(first.ModelId, second.ModelId);
        foreach (var text in Corpus)
        {
            Assert.Equal(first.Transform(text), second.Transform(text));
            Assert.Equal(first.Transform(text), first.Transform(text));
        }
    }

    [Fact]
    public void Fit_DifferentCorpus_DifferentModelId()
    {
        var first = HashingTextFeaturizer.Fit(Corpus);
        var second = HashingTextFeaturizer.Fit(Corpus.Take(5));

        Assert.NotEqual(first.ModelId, second.ModelId);
    }

    [Theory]
    [InlineData(HashingProjection.Random, 384)]
    [InlineData(HashingProjection.Random, 100)]
    [InlineData(HashingProjection.SignedHashing, 4096)]
    public void Transform_NonEmptyText_UnitLengthOfConfiguredDimension(HashingProjection projection, int dimensions)
    {
        var featurizer = HashingTextFeaturizer.Fit(Corpus, new HashingFeaturizerOptions { Projection = projection, Dimensions = dimensions });

        var v = featurizer.Transform("The cat chased the dog.");

        Assert.Equal(dimensions, v.Length);
        Assert.Equal(1.0, Norm(v), 5);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \t\n ")]
    public void Transform_EmptyOrWhitespace_ZeroVector(string text)
    {
        var featurizer = HashingTextFeaturizer.Fit(Corpus);

        Assert.Equal(new float[featurizer.Dimensions], featurizer.Transform(text));
    }

    [Fact]
    public void Transform_SignedHashing_IsSparse()
    {
        var featurizer = HashingTextFeaturizer.Fit(Corpus, new HashingFeaturizerOptions { Projection = HashingProjection.SignedHashing, Dimensions = 4096 });

        var v = featurizer.Transform("cat");

        // " cat " has 4 + 3 + 2 character 2-4-grams and one word: at most 10 non-zero components.
        var nonZero = v.Count(x => x != 0);
        Assert.InRange(nonZero, 1, 10);
    }

    [Fact]
    public void Transform_CaseAndWidthVariants_SameVector()
    {
        var featurizer = HashingTextFeaturizer.Fit(Corpus);

        // Full-width Latin letters are NFKC-equivalent to ASCII; case is folded.
        Assert.Equal(featurizer.Transform("cat sat"), featurizer.Transform("ＣＡＴ Sat"));
    }

    [Fact]
    public void Transform_RelatedTextsCloserThanUnrelated()
    {
        var featurizer = HashingTextFeaturizer.Fit(Corpus);

        var cat = featurizer.Transform("The cat sat on the mat.");
        var cat2 = featurizer.Transform("A cat sat on a mat");
        var markets = featurizer.Transform("Markets fell sharply.");

        Assert.True(Dot(cat, cat2) > Dot(cat, markets) + 0.2, $"{Dot(cat, cat2)} vs {Dot(cat, markets)}");
    }

    [Fact]
    public void Transform_TermInEveryDocument_WeighsLessThanRareTerm()
    {
        string[] corpus = ["common alpha", "common beta", "common gamma", "common delta", "common rare"];
        var featurizer = HashingTextFeaturizer.Fit(corpus, new HashingFeaturizerOptions { MaxCharNGram = 0, MaxWordNGram = 1 });

        var both = featurizer.Transform("common rare");

        Assert.True(Dot(both, featurizer.Transform("rare")) > Dot(both, featurizer.Transform("common")));
    }

    [Theory]
    [InlineData("我喜欢吃苹果和香蕉", "我喜欢吃苹果", "今天股市大幅下跌")]
    [InlineData("Я люблю читать книги", "Я люблю читать", "Погода сегодня плохая")]
    [InlineData("أحب قراءة الكتب كثيرا", "أحب قراءة الكتب", "الطقس سيء اليوم")]
    [InlineData("मुझे किताबें पढ़ना पसंद है", "मुझे किताबें पढ़ना", "आज मौसम खराब है")]
    [InlineData("東京は日本の首都です", "東京は日本の首都", "猫がマットの上に座った")]
    public void Transform_NonLatinScripts_UnitVectorsAndSharedWordsCloser(string text, string related, string unrelated)
    {
        var featurizer = HashingTextFeaturizer.Fit([text, related, unrelated]);

        var v = featurizer.Transform(text);

        Assert.Equal(1.0, Norm(v), 5);
        Assert.True(Dot(v, featurizer.Transform(related)) > Dot(v, featurizer.Transform(unrelated)) + 0.3);
    }

    [Fact]
    public async Task GenerateAsync_LargeBatch_MatchesTransformInOrder()
    {
        var featurizer = HashingTextFeaturizer.Fit(Corpus);
        var texts = Enumerable.Range(0, 100).Select(i => $"{Corpus[i % Corpus.Length]} {i}").ToList();

        var embeddings = await featurizer.GenerateAsync(texts);

        Assert.Equal(100, embeddings.Count);
        for (var i = 0; i < texts.Count; i++)
        {
            Assert.Equal(featurizer.Transform(texts[i]), embeddings[i].Vector.ToArray());
            Assert.Equal(featurizer.ModelId, embeddings[i].ModelId);
        }
    }

    [Fact]
    public async Task GenerateAsync_OtherDimensionRequested_ThrowsArgument()
    {
        var featurizer = HashingTextFeaturizer.Fit(Corpus);

        await Assert.ThrowsAsync<ArgumentException>(() => featurizer.GenerateAsync(["a"], new EmbeddingGenerationOptions { Dimensions = 10 }));
    }

    [Fact]
    public async Task EmbedAsync_WithFeaturizer_UsesMetadataDimension()
    {
        var featurizer = HashingTextFeaturizer.Fit(Corpus, new HashingFeaturizerOptions { Dimensions = 64 });

        var rows = await TextFeatures.EmbedAsync(featurizer, ["", "cat"]);

        Assert.Equal(64, featurizer.GetService<EmbeddingGeneratorMetadata>()!.DefaultModelDimensions);
        Assert.All(rows, r => Assert.Equal(64, r.Length));
    }

    [Fact]
    public void Fit_EmptyCorpus_ThrowsArgument()
    {
        Assert.Throws<ArgumentException>(() => HashingTextFeaturizer.Fit([]));
    }


}
