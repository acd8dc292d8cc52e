using UuLearning.Tests.TestDoubles;
using static TorchSharp.torch;

namespace UuLearning.Tests.Training;

[Collection(TorchCollection.Name)]
public sealed class UuClassifierTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("uulearning-tests-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void SaveThenLoad_RealFile_ScoresIdentical(bool mlp)
    {
        var data = SyntheticData.TwoGaussians(300, 12, 0.5, 0.1, 0.1, seed: 1);
        var options = new UuTrainerOptions { Scorer = mlp ? ScorerArchitecture.Mlp(new[] { 16, 8 }, 0.3) : ScorerArchitecture.Linear(), Epochs = 3 };
        using var trained = new UuTrainer(options).Train(data.Features, data.Noisy, new ClassPriors(0.9, 0.1, 0.5));
        var path = Path.Combine(_dir, "model.uuc");
        trained.Save(path);
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp-*"));

        using var loaded = UuClassifier.Load(path);
        AssertClose(trained.Score(data.Features), loaded.Score(data.Features));
        Assert.Equal(12, loaded.FeatureDimension);
        Assert.Equal(trained.Architecture.Name, loaded.Architecture.Name);
        Assert.Null(loaded.TrainingReport);
    }

    [Fact]
    public void Load_CustomScorerWithoutArchitecture_ThrowsSayingWhatToPass()
    {
        var data = SyntheticData.TwoGaussians(100, 4, 0.5, 0, 0, seed: 2);
        var arch = ScorerArchitecture.Custom(d => nn.Sequential(("lin", nn.Linear(d, 1)), ("flat", nn.Flatten(0))), "seq");
        using var trained = new UuTrainer(new UuTrainerOptions { Scorer = arch, Epochs = 2 }).Train(data.Features, data.Noisy, ClassPriors.Supervised(0.5));
        var path = Path.Combine(_dir, "custom.uuc");
        trained.Save(path);
        Assert.Contains("pass the ScorerArchitecture", Assert.Throws<InvalidDataException>(() => UuClassifier.Load(path)).Message);
        using var loaded = UuClassifier.Load(path, arch);
        AssertClose(trained.Score(data.Features), loaded.Score(data.Features));
    }

    [Fact]
    public void Load_NotAClassifierFile_ThrowsInvalidData()
    {
        var path = Path.Combine(_dir, "garbage.uuc");
        File.WriteAllText(path, "hello, this is not a model");
        Assert.Throws<InvalidDataException>(() => UuClassifier.Load(path));
        Assert.Throws<FileNotFoundException>(() => UuClassifier.Load(Path.Combine(_dir, "missing.uuc")));
    }

    [Fact]
    public void Score_WrongDimension_ThrowsNamingItem()
    {
        var data = SyntheticData.TwoGaussians(100, 4, 0.5, 0, 0, seed: 3);
        using var trained = new UuTrainer(new UuTrainerOptions { Epochs = 1 }).Train(data.Features, data.Noisy, ClassPriors.Supervised(0.5));
        var ex = Assert.Throws<ArgumentException>(() => trained.Score(new ReadOnlyMemory<float>[] { new float[4], new float[5] }));
        Assert.Contains("Item 1 has 5 features but the classifier expects 4", ex.Message);
    }

    /// <summary>Same parameters, same input: equal up to float32 rounding (libtorch may pick another kernel for a fresh tensor layout).</summary>
    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5f * (1 + Math.Abs(expected[i])), $"item {i}: {expected[i]} vs {actual[i]}");
        }
    }
}
