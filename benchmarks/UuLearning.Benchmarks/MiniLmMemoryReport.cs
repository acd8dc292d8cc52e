using System.Diagnostics;
using System.Globalization;
using UuLearning.Tests;

namespace UuLearning.Benchmarks;

/// <summary><c>minilm-memory package|rewrite|rewrite-default|rewrite-fullcalls|rewrite-sequential youtube-spam|mc-ideology-64</c>: embeds
/// one text set with one path in a fresh process (package and rewrite at one thread; rewrite-default at the default
/// threads, batch-parallel; rewrite-fullcalls the same with each worker's calls up to the full MaxBatchTokens; rewrite-sequential at the default threads, one batch after another, no padding limit: the default before), and prints the process's peak working set (ONNX Runtime's memory is native, so
/// BenchmarkDotNet's managed allocation figure misses most of it). Run once per path.</summary>
internal static class MiniLmMemoryReport
{
    public static int Run(string[] args)
    {
        if (args.Length != 2 || args[0] is not ("package" or "rewrite" or "rewrite-default" or "rewrite-fullcalls" or "rewrite-sequential"))
        {
            Console.Error.WriteLine("usage: minilm-memory package|rewrite|rewrite-default|rewrite-fullcalls|rewrite-sequential youtube-spam|mc-ideology-64");
            return 2;
        }

        var texts = MiniLmTextSets.Read(args[1]);
        var before = Process.GetCurrentProcess().WorkingSet64;
        var stopwatch = Stopwatch.StartNew();
        if (args[0] == "package")
        {
            using var package = new PackageMiniLmEmbedder(intraOpThreads: 1);
            package.Embed(texts);
        }
        else
        {
            using var generator = args[0] switch
            {
                "rewrite" => new MiniLmEmbeddingGenerator(new MiniLmEmbeddingGeneratorOptions { IntraOpThreads = 1 }),
                "rewrite-default" => new MiniLmEmbeddingGenerator(),
                "rewrite-fullcalls" => new MiniLmEmbeddingGenerator { SplitBatchTokens = false },
                _ => new MiniLmEmbeddingGenerator(new MiniLmEmbeddingGeneratorOptions(), null, MiniLmBatchParallelism.None) { MaxPadding = double.PositiveInfinity },
            };
            using (var loaded = Process.GetCurrentProcess())
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{args[0]}: working set after loading the model {loaded.WorkingSet64 / 1e6:0} MB"));
            }

            generator.GenerateAsync(texts).GetAwaiter().GetResult();
        }

        using var process = Process.GetCurrentProcess();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{args[0]} {args[1]}: {texts.Count} texts in {stopwatch.Elapsed.TotalSeconds:0.0} s (load included), working set before {before / 1e6:0} MB, peak {process.PeakWorkingSet64 / 1e6:0} MB"));
        return 0;
    }
}
