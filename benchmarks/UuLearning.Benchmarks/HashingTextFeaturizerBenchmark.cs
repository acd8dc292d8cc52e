using BenchmarkDotNet.Attributes;

namespace UuLearning.Benchmarks;

/// <summary>Featurizing one 12-word sentence and one 500-word article with the hashing featurizer: dense (384, random projection) and the default (4096, signed hashing).</summary>
[MemoryDiagnoser]
public class HashingTextFeaturizerBenchmark
{
    private HashingTextFeaturizer _dense = null!;
    private HashingTextFeaturizer _sparse = null!;
    private string _sentence = null!;
    private string _article = null!;
    private float[] _denseBuffer = null!;
    private float[] _sparseBuffer = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        string[] vocabulary = [.. Enumerable.Range(0, 5000).Select(i => string.Concat(Enumerable.Range(0, 3 + i % 7).Select(_ => (char)('a' + random.Next(26)))))];
        string Words(int n) => string.Join(' ', Enumerable.Range(0, n).Select(_ => vocabulary[(int)Math.Min(vocabulary.Length - 1, -Math.Log(random.NextDouble()) * 600)]));
        var corpus = Enumerable.Range(0, 500).Select(_ => Words(60)).ToList();
        _sentence = Words(12) + ".";
        _article = Words(500);
        _dense = HashingTextFeaturizer.Fit(corpus, new HashingFeaturizerOptions { Projection = HashingProjection.Random, Dimensions = 384 });
        _sparse = HashingTextFeaturizer.Fit(corpus, new HashingFeaturizerOptions { Projection = HashingProjection.SignedHashing, Dimensions = 4096 });
        _denseBuffer = new float[_dense.Dimensions];
        _sparseBuffer = new float[_sparse.Dimensions];
    }

    [Benchmark]
    public void DenseSentence() => _dense.Transform(_sentence, _denseBuffer);

    [Benchmark]
    public void DenseArticle() => _dense.Transform(_article, _denseBuffer);

    [Benchmark]
    public void SparseSentence() => _sparse.Transform(_sentence, _sparseBuffer);

    [Benchmark]
    public void SparseArticle() => _sparse.Transform(_article, _sparseBuffer);
}
