using System.Diagnostics;
using System.Globalization;
using UuLearning.Tests.TestDoubles;

namespace UuLearning.Benchmarks;

/// <summary>
/// A quick side-by-side timer (not BenchmarkDotNet): refines one synthetic corpus with the stacked and the fold-by-fold
/// trainer, alternating, and prints wall and process CPU seconds per run, so both see the same machine state.
/// Usage: <c>refine-timing [items] [dimension] [repeats] [folds] [threads] [stacked|fold-by-fold|both]</c>.
/// </summary>
internal static class RefinementTiming
{
    public static async Task<int> RunAsync(string[] args)
    {
        var inv = CultureInfo.InvariantCulture;
        int items = args.Length > 0 ? int.Parse(args[0], inv) : 5_000;
        int dimension = args.Length > 1 ? int.Parse(args[1], inv) : 384;
        int repeats = args.Length > 2 ? int.Parse(args[2], inv) : 2;
        int folds = args.Length > 3 ? int.Parse(args[3], inv) : 5;
        int threads = args.Length > 4 ? int.Parse(args[4], inv) : 0;
        string which = args.Length > 5 ? args[5] : "both";
        var data = SyntheticData.TwoGaussians(items, dimension, 0.5, 0.3, 0.4, seed: 1);
        var sample = LabeledSample.DrawUniform(data.Gold, 50, seed: 1);
        var paths = new (string Name, ScorerArchitecture Scorer)[]
        {
            ("stacked", ScorerArchitecture.Linear()),
            ("fold-by-fold", ScorerArchitecture.Custom(d => ScorerArchitecture.Linear().Create(d), "linear, fold by fold")),
        };
        for (int r = 0; r < repeats; r++)
        {
            foreach (var (name, scorer) in paths.Where(p => which == "both" || p.Name == which))
            {
                var options = new IterativeRefinerOptions { FlipTolerance = 0, CrossFitFolds = folds, Trainer = new UuTrainerOptions { Scorer = scorer, Threads = threads } };
                var process = Process.GetCurrentProcess();
                var cpu = process.TotalProcessorTime;
                var watch = Stopwatch.StartNew();
                using var result = await new IterativeRefiner(null, options).RefineAsync(data.Features, data.Noisy, sample);
                process.Refresh();
                Console.WriteLine(string.Create(inv,
                    $"{name,-13} items {items} dim {dimension} folds {folds}: {watch.Elapsed.TotalSeconds:0.00} s wall, {(process.TotalProcessorTime - cpu).TotalSeconds:0.00} CPU-s, load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}"));
            }
        }
        return 0;
    }
}
