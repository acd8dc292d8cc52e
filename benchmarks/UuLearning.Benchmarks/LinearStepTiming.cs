using System.Diagnostics;
using System.Globalization;
using UuLearning.Tests.TestDoubles;

namespace UuLearning.Benchmarks;

/// <summary>
/// A side-by-side timer (not BenchmarkDotNet) of one linear-head training, the managed CPU engine against the same
/// module trained by TorchSharp (a custom scorer building the very same linear module), alternating, one thread:
/// prints wall and process CPU microseconds per optimisation step of each.
/// Usage: <c>linear-step-timing [items] [dimension] [batch] [epochs] [repeats]</c>.
/// </summary>
internal static class LinearStepTiming
{
    public static int Run(string[] args)
    {
        var inv = CultureInfo.InvariantCulture;
        int items = args.Length > 0 ? int.Parse(args[0], inv) : 20_000;
        int dimension = args.Length > 1 ? int.Parse(args[1], inv) : 384;
        int batch = args.Length > 2 ? int.Parse(args[2], inv) : 64;
        int epochs = args.Length > 3 ? int.Parse(args[3], inv) : 3;
        int repeats = args.Length > 4 ? int.Parse(args[4], inv) : 3;
        var data = SyntheticData.TwoGaussians(items, dimension, 0.5, 0.3, 0.4, seed: 1);
        var priors = new ClassPriors(0.7, 0.35, 0.5);
        var paths = new (string Name, ScorerArchitecture Scorer)[]
        {
            ("managed", ScorerArchitecture.Linear()),
            ("torchsharp", ScorerArchitecture.Custom(d => ScorerArchitecture.Linear().Create(d), "linear module")),
        };
        for (int r = 0; r < repeats + 1; r++)
        {
            foreach (var (name, scorer) in paths)
            {
                var options = new UuTrainerOptions { Epochs = epochs, BatchSize = batch, Scorer = scorer, Threads = 1 };
                var process = Process.GetCurrentProcess();
                var cpu = process.TotalProcessorTime;
                var watch = Stopwatch.StartNew();
                using var classifier = new UuTrainer(options).Train(data.Features, data.Noisy, priors);
                process.Refresh();
                double steps = (double)epochs * Math.Ceiling(classifier.TrainingReport!.TrainingItems / (double)batch);
                if (r > 0) // the first pass warms up the JIT
                {
                    Console.WriteLine(string.Create(inv,
                        $"{name,-10} {items} x {dimension}, batch {batch}, {epochs} epochs: {watch.Elapsed.TotalSeconds:0.000} s wall, {1e6 * watch.Elapsed.TotalSeconds / steps:0.0} us wall/step, {1e6 * (process.TotalProcessorTime - cpu).TotalSeconds / steps:0.0} us CPU/step; load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}"));
                }
            }
        }
        return 0;
    }
}
