using BenchmarkDotNet.Attributes;
using UuLearning.Tests.TestDoubles;

namespace UuLearning.Benchmarks;

/// <summary>A full refinement with default options (5 rounds) on 20,000 items x 384 features, CPU.</summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 0, iterationCount: 2)]
public class RefinementBenchmark
{
    private SyntheticData _data = null!;
    private LabeledSample _sample = null!;

    /// <summary>The scorer.</summary>
    [Params("linear", "mlp")]
    public string Scorer { get; set; } = "linear";

    [GlobalSetup]
    public void Setup()
    {
        _data = SyntheticData.TwoGaussians(20_000, 384, 0.5, 0.3, 0.4, seed: 1);
        _sample = LabeledSample.DrawUniform(_data.Gold, 50, seed: 1);
    }

    [Benchmark]
    public async Task<int> FiveRounds()
    {
        var options = new IterativeRefinerOptions
        {
            FlipTolerance = 0,
            Trainer = new UuTrainerOptions { Scorer = Scorer == "mlp" ? ScorerArchitecture.Mlp(new[] { 256 }, 0.1) : ScorerArchitecture.Linear() },
        };
        using var result = await new IterativeRefiner(null, options).RefineAsync(_data.Features, _data.Noisy, _sample);
        return result.ChosenRound;
    }
}
