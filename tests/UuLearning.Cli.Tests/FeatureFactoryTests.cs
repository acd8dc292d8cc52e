namespace UuLearning.Cli.Tests;

/// <summary>--minilm-threads reaches the MiniLM generator's settings; omitted, the generator keeps its own default.</summary>
public sealed class FeatureFactoryTests
{
    [Fact]
    public void MiniLmOptions_ThreadsGiven_AreTheIntraOpThreads()
    {
        var options = FeatureFactory.MiniLmOptions(3);

        Assert.Equal(3, options.IntraOpThreads);
        Assert.False(options.AllowSpinning);
    }

    [Fact]
    public void MiniLmOptions_NoThreads_IsTheGeneratorDefault()
    {
        var options = FeatureFactory.MiniLmOptions(null);

        Assert.Equal(new MiniLmEmbeddingGeneratorOptions().IntraOpThreads, options.IntraOpThreads);
        Assert.Equal(0, options.IntraOpThreads);
    }
}
