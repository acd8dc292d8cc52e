using BenchmarkDotNet.Attributes;

namespace UuLearning.Benchmarks;

/// <summary>The cost of recording one annotation in <see cref="JsonlAnnotationStore"/> (one JSON line, written and flushed).</summary>
[MemoryDiagnoser]
public class AnnotationStoreBenchmark
{
    private const int Lines = 1000;
    private string _directory = string.Empty;
    private PseudoLabelResult[] _results = [];
    private JsonlAnnotationStore? _store;

    /// <summary>Whether every line is synced to the disk (fsync) or only handed to the operating system.</summary>
    [Params(false, true)]
    public bool FlushToDisk { get; set; }

    [GlobalSetup]
    public void GlobalSetup()
    {
        _directory = Directory.CreateTempSubdirectory("uulearning-bench-").FullName;
        _results = Enumerable.Range(0, Lines)
            .Select(i => new PseudoLabelResult($"item-{i:D6}", i % 2 == 0 ? PseudoLabel.Positive : PseudoLabel.Negative)
            {
                Confidence = 0.9,
                RawAnswer = "{\"label\":\"spam\",\"confidence\":0.9}",
            })
            .ToArray();
    }

    [IterationSetup]
    public void IterationSetup() => _store = new JsonlAnnotationStore(Path.Combine(_directory, Guid.NewGuid().ToString("N") + ".jsonl"), FlushToDisk);

    [IterationCleanup]
    public void IterationCleanup() => _store?.Dispose();

    [GlobalCleanup]
    public void GlobalCleanup() => Directory.Delete(_directory, recursive: true);

    /// <summary>Appends one annotation; reported per line.</summary>
    [Benchmark(OperationsPerInvoke = Lines)]
    public async Task AppendAsync()
    {
        for (int i = 0; i < _results.Length; i++)
        {
            await _store!.AppendAsync("0123456789abcdef", _results[i]);
        }
    }
}
