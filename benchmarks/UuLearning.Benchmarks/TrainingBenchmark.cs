using BenchmarkDotNet.Attributes;
using UuLearning.Tests.TestDoubles;

namespace UuLearning.Benchmarks;

/// <summary>
/// One training epoch of robust UU learning on 20,000 items x 384 features (CPU), for the linear and the MLP head.
/// Items per second per epoch = 20,000 / Mean. <c>Threads</c> 0 is the automatic choice; run it once on a quiet machine
/// and once with every core busy (for example one <c>while :; do :; done</c> loop per core) to compare.
/// </summary>
[MemoryDiagnoser]
[WarmupCount(1)]
[IterationCount(5)]
[InvocationCount(1)]
public class TrainingBenchmark
{
    private SyntheticData _data = null!;
    private ClassPriors _priors = null!;

    /// <summary>The scorer.</summary>
    [Params("linear", "mlp")]
    public string Scorer { get; set; } = "linear";

    /// <summary>Items per optimisation step.</summary>
    [Params(64, 1024)]
    public int BatchSize { get; set; }

    /// <summary>Torch threads (0 = automatic).</summary>
    [Params(1, 2, 0)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _data = SyntheticData.TwoGaussians(20_000, 384, 0.5, 0.3, 0.4, seed: 1);
        _priors = new ClassPriors(0.7, 0.35, 0.5);
    }

    [Benchmark]
    public int OneEpoch()
    {
        var options = new UuTrainerOptions
        {
            Epochs = 1,
            BatchSize = BatchSize,
            HoldoutFraction = 0,
            Threads = Threads,
            Scorer = Scorer == "mlp" ? ScorerArchitecture.Mlp(new[] { 256 }, 0.1) : ScorerArchitecture.Linear(),
        };
        using var classifier = new UuTrainer(options).Train(_data.Features, _data.Noisy, _priors);
        return classifier.FeatureDimension;
    }
}
