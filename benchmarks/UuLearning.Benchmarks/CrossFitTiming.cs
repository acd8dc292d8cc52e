using System.Diagnostics;
using System.Globalization;
using UuLearning.Internal;
using UuLearning.Tests.TestDoubles;

namespace UuLearning.Benchmarks;

/// <summary>
/// A side-by-side timer (not BenchmarkDotNet) of one round's training, in one process: K-fold cross-fitting
/// (<c>UuTrainer.CrossFit</c>) against one fit on every item (<c>UuTrainer.TrainOnDevice</c>), alternating, linear
/// head, default options; prints the median and minimum wall and process CPU seconds of each and their ratio.
/// Usage: <c>crossfit-timing [items] [dimension] [repeats] [folds] [threads]</c>.
/// </summary>
internal static class CrossFitTiming
{
    public static int Run(string[] args)
    {
        var inv = CultureInfo.InvariantCulture;
        int items = args.Length > 0 ? int.Parse(args[0], inv) : 20_000;
        int dimension = args.Length > 1 ? int.Parse(args[1], inv) : 384;
        int repeats = args.Length > 2 ? int.Parse(args[2], inv) : 5;
        int folds = args.Length > 3 ? int.Parse(args[3], inv) : 5;
        int threads = args.Length > 4 ? int.Parse(args[4], inv) : 0;
        var data = SyntheticData.TwoGaussians(items, dimension, 0.5, 0.3, 0.4, seed: 1);
        var labels = data.Noisy.ToArray();
        var priors = new ClassPriors(0.7, 0.35, 0.5);
        var fold = IterativeRefiner.AssignFolds(labels, folds, new Random(1));
        var trainer = new UuTrainer(new UuTrainerOptions { Threads = threads });
        using var x = FeatureMatrix.ToTensor(data.Features, dimension, TorchSharp.torch.CPU);
        var timings = new Dictionary<string, List<(double Wall, double Cpu)>> { ["cross-fit"] = new(), ["one fit"] = new() };
        for (int r = 0; r <= repeats; r++)
        {
            foreach (var name in timings.Keys)
            {
                var process = Process.GetCurrentProcess();
                var cpu = process.TotalProcessorTime;
                var watch = Stopwatch.StartNew();
                if (name == "cross-fit")
                {
                    trainer.CrossFit(x, labels, fold, folds, priors, round: 1, CancellationToken.None);
                }
                else
                {
                    trainer.TrainOnDevice(x, labels, priors, round: 1, CancellationToken.None).Dispose();
                }
                process.Refresh();
                if (r > 0) // the first pass warms up the JIT
                {
                    timings[name].Add((watch.Elapsed.TotalSeconds, (process.TotalProcessorTime - cpu).TotalSeconds));
                }
            }
        }
        static double Median(IEnumerable<double> v) { var s = v.Order().ToArray(); return s.Length % 2 == 1 ? s[s.Length / 2] : (s[(s.Length / 2) - 1] + s[s.Length / 2]) / 2; }
        foreach (var (name, t) in timings)
        {
            Console.WriteLine(string.Create(inv,
                $"{name,-9} {items} x {dimension}, {folds} folds, threads {threads}: wall median {Median(t.Select(v => v.Wall)):0.000} s (min {t.Min(v => v.Wall):0.000}), CPU median {Median(t.Select(v => v.Cpu)):0.000} s (min {t.Min(v => v.Cpu):0.000})"));
        }
        Console.WriteLine(string.Create(inv,
            $"ratio cross-fit / one fit: wall median {Median(timings["cross-fit"].Select(v => v.Wall)) / Median(timings["one fit"].Select(v => v.Wall)):0.00}, min {timings["cross-fit"].Min(v => v.Wall) / timings["one fit"].Min(v => v.Wall):0.00}; load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}"));
        return 0;
    }
}
