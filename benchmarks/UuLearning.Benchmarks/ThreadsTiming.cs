using System.Diagnostics;
using System.Globalization;
using UuLearning.Tests.TestDoubles;

namespace UuLearning.Benchmarks;

/// <summary>
/// A side-by-side timer for thread counts (not BenchmarkDotNet): one training epoch on 20,000 x 384 for each scorer and
/// batch size, with the thread counts interleaved (1, 2, automatic, repeated), so every count sees the same machine
/// state; prints the median seconds per epoch of each; then the same for one epoch of 5-fold cross-fitting with the linear
/// head (whose managed engine runs folds in parallel). Usage: <c>threads-timing [repeats]</c>.
/// </summary>
internal static class ThreadsTiming
{
    public static int Run(string[] args)
    {
        var inv = CultureInfo.InvariantCulture;
        int repeats = args.Length > 0 ? int.Parse(args[0], inv) : 5;
        var data = SyntheticData.TwoGaussians(20_000, 384, 0.5, 0.3, 0.4, seed: 1);
        var priors = new ClassPriors(0.7, 0.35, 0.5);
        int[] threadCounts = { 1, 2, 0 };
        Console.WriteLine(string.Create(inv, $"# OMP_WAIT_POLICY={Environment.GetEnvironmentVariable("OMP_WAIT_POLICY")} GOMP_SPINCOUNT={Environment.GetEnvironmentVariable("GOMP_SPINCOUNT")} processors {Environment.ProcessorCount} load {File.ReadAllText("/proc/loadavg").Trim()}"));
        foreach (var scorer in new[] { "linear", "mlp" })
        {
            foreach (int batch in new[] { 64, 1024 })
            {
                var times = threadCounts.ToDictionary(t => t, _ => new List<double>());
                for (int r = 0; r < repeats + 1; r++)
                {
                    foreach (int threads in threadCounts)
                    {
                        var options = new UuTrainerOptions
                        {
                            Epochs = 1, BatchSize = batch, HoldoutFraction = 0, Threads = threads,
                            Scorer = scorer == "mlp" ? ScorerArchitecture.Mlp(new[] { 256 }, 0.1) : ScorerArchitecture.Linear(),
                        };
                        var watch = Stopwatch.StartNew();
                        using var classifier = new UuTrainer(options).Train(data.Features, data.Noisy, priors);
                        if (r > 0)
                        {
                            times[threads].Add(watch.Elapsed.TotalSeconds); // the first pass warms up the JIT
                        }
                    }
                }
                int auto = new UuTrainer(new UuTrainerOptions { BatchSize = batch, Scorer = scorer == "mlp" ? ScorerArchitecture.Mlp(new[] { 256 }, 0.1) : ScorerArchitecture.Linear() }).ThreadsFor(1, 384);
                Console.WriteLine(string.Create(inv,
                    $"{scorer,-6} batch {batch,5}: 1 thread {Median(times[1]):0.000} s, 2 threads {Median(times[2]):0.000} s, automatic ({auto}) {Median(times[0]):0.000} s; load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}"));
            }
        }
        // The managed linear engine trains cross-fitting folds in parallel (up to Threads; automatic = all processors).
        using (var x = UuLearning.Internal.FeatureMatrix.ToTensor(data.Features, 384, TorchSharp.torch.CPU))
        {
            var fold = IterativeRefiner.AssignFolds(data.Noisy, 5, new Random(1));
            foreach (int batch in new[] { 64, 1024 })
            {
                var times = threadCounts.ToDictionary(t => t, _ => new List<double>());
                for (int r = 0; r < repeats + 1; r++)
                {
                    foreach (int threads in threadCounts)
                    {
                        var trainer = new UuTrainer(new UuTrainerOptions { Epochs = 1, BatchSize = batch, HoldoutFraction = 0, Threads = threads });
                        var watch = Stopwatch.StartNew();
                        trainer.CrossFit(x, data.Noisy, fold, 5, priors, 1, CancellationToken.None);
                        if (r > 0)
                        {
                            times[threads].Add(watch.Elapsed.TotalSeconds);
                        }
                    }
                }
                Console.WriteLine(string.Create(inv,
                    $"linear, 5 folds, batch {batch,5}: 1 thread {Median(times[1]):0.000} s, 2 threads {Median(times[2]):0.000} s, automatic ({Environment.ProcessorCount}) {Median(times[0]):0.000} s; load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}"));
            }
        }
        return 0;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
