using BenchmarkDotNet.Attributes;
using UuLearning.Tests.TestDoubles;

namespace UuLearning.Benchmarks;

/// <summary>
/// A full refinement with default options (5 rounds, linear head, 30 epochs at batch 64) on N items x 384 features, CPU,
/// with 5-fold cross-fitting (the default, folds trained together as one stacked model) and without it (<c>Folds = 1</c>).
/// </summary>
[MemoryDiagnoser]
[WarmupCount(0)]
[IterationCount(1)]
[InvocationCount(1)]
public class RefinementBenchmark
{
    private SyntheticData _data = null!;
    private LabeledSample _sample = null!;

    /// <summary>Items.</summary>
    [Params(5_000, 20_000, 80_000)]
    public int Items { get; set; }

    /// <summary>Cross-fitting folds (1 = none).</summary>
    [Params(1, 5)]
    public int Folds { get; set; }

    [GlobalSetup]
    public void Setup() => (_data, _sample) = Draw(Items);

    [Benchmark]
    public Task<int> FiveRounds() => Refine(_data, _sample, Folds, ScorerArchitecture.Linear());

    internal static (SyntheticData, LabeledSample) Draw(int items)
    {
        var data = SyntheticData.TwoGaussians(items, 384, 0.5, 0.3, 0.4, seed: 1);
        return (data, LabeledSample.DrawUniform(data.Gold, 50, seed: 1));
    }

    internal static async Task<int> Refine(SyntheticData data, LabeledSample sample, int folds, ScorerArchitecture scorer)
    {
        var options = new IterativeRefinerOptions
        {
            FlipTolerance = 0,
            CrossFitFolds = folds,
            Trainer = new UuTrainerOptions { Scorer = scorer },
        };
        using var result = await new IterativeRefiner(null, options).RefineAsync(data.Features, data.Noisy, sample);
        return result.ChosenRound;
    }
}

/// <summary>
/// <see cref="RefinementBenchmark"/>'s 5-fold refinement with the folds trained one after another: the same linear
/// module through the custom-scorer path, which is how every scorer was cross-fitted before the folds were stacked.
/// </summary>
[MemoryDiagnoser]
[WarmupCount(0)]
[IterationCount(1)]
[InvocationCount(1)]
public class RefinementPerFoldBenchmark
{
    private SyntheticData _data = null!;
    private LabeledSample _sample = null!;

    /// <summary>Items.</summary>
    [Params(5_000, 20_000)]
    public int Items { get; set; }

    [GlobalSetup]
    public void Setup() => (_data, _sample) = RefinementBenchmark.Draw(Items);

    [Benchmark]
    public Task<int> FiveRoundsFoldByFold() =>
        RefinementBenchmark.Refine(_data, _sample, 5, ScorerArchitecture.Custom(d => ScorerArchitecture.Linear().Create(d), "linear, fold by fold"));
}
