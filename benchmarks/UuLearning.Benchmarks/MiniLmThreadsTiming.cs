using System.Diagnostics;
using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using UuLearning.Tests;

namespace UuLearning.Benchmarks;

/// <summary>
/// <c>minilm-threads [texts] [repeats] [config,config,...] [youtube|mc-ideology-64]</c>: a side-by-side timer (not BenchmarkDotNet) for MiniLM
/// thread, spinning and graph settings, and for the package's path before issue #14 at its default. Every
/// configuration gets a fresh generator (model load and a 32-text warm-up not timed), embeds the first <c>texts</c>
/// bundled YouTube comments (500 by default; or the first <c>texts</c> of the 64 news articles, each 512 word pieces),
/// and the configurations are interleaved <c>repeats</c> times (2 by
/// default) so each sees the same machine state. Prints texts/s, process CPU seconds per wall second, and how many
/// of the process's threads are pinned to one processor (ONNX Runtime pins its own threads when it picks the count).
/// </summary>
internal static class MiniLmThreadsTiming
{
    private static readonly string[] DefaultConfigs =
    [
        "package-default", "new-default", "package-1", "new-1", "new-2-spin", "new-2", "new-ort0-spin",
    ];

    public static int Run(string[] args)
    {
        var inv = CultureInfo.InvariantCulture;
        var count = args.Length > 0 ? int.Parse(args[0], inv) : 500;
        var repeats = args.Length > 1 ? int.Parse(args[1], inv) : 2;
        var configs = args.Length > 2 ? args[2].Split(',') : DefaultConfigs;
        var set = args.Length > 3 ? args[3] : "youtube";
        var texts = set == "youtube" ? CsvTexts.YoutubeSpam(count) : [.. MiniLmTextSets.Read(set).Take(count)];
        var warmUp = texts.Take(32).ToArray();
        Console.WriteLine(string.Create(inv,
            $"# {texts.Count} texts of {set}, processors {Environment.ProcessorCount}, load {File.ReadAllText("/proc/loadavg").Trim()}, {DateTime.UtcNow:HH:mm:ss} UTC"));
        var results = configs.ToDictionary(c => c, _ => new List<double>());
        for (var r = 0; r < repeats; r++)
        {
            foreach (var config in configs)
            {
                using var embed = Create(config);
                embed.Run(warmUp);
                using var process = Process.GetCurrentProcess();
                var cpu = process.TotalProcessorTime;
                var watch = Stopwatch.StartNew();
                embed.Run(texts);
                var wall = watch.Elapsed.TotalSeconds;
                process.Refresh();
                var cpuPerWall = (process.TotalProcessorTime - cpu).TotalSeconds / wall;
                var rate = texts.Count / wall;
                results[config].Add(rate);
                Console.WriteLine(string.Create(inv,
                    $"{config,-18} {rate,7:0.0} texts/s  {wall,6:0.00} s  cpu/wall {cpuPerWall:0.00}  pinned threads {PinnedThreads()}  load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}"));
            }
        }

        Console.WriteLine("# mean texts/s per configuration (each run listed above)");
        foreach (var (config, rates) in results)
        {
            Console.WriteLine(string.Create(inv, $"{config,-18} {rates.Average(),7:0.0}  [{string.Join(", ", rates.Select(x => x.ToString("0.0", inv)))}]"));
        }

        Console.WriteLine(string.Create(inv, $"# end load {File.ReadAllText("/proc/loadavg").Trim()}, {DateTime.UtcNow:HH:mm:ss} UTC"));
        return 0;
    }

    /// <summary>Threads of this process whose allowed processors are a single one (Linux; -1 elsewhere).</summary>
    private static int PinnedThreads()
    {
        if (!Directory.Exists("/proc/self/task"))
        {
            return -1;
        }

        var pinned = 0;
        foreach (var task in Directory.GetDirectories("/proc/self/task"))
        {
            try
            {
                var line = File.ReadLines(Path.Combine(task, "status")).FirstOrDefault(l => l.StartsWith("Cpus_allowed_list:", StringComparison.Ordinal));
                var list = line?.Split(':')[1].Trim();
                if (list is not null && !list.Contains(',', StringComparison.Ordinal) && !list.Contains('-', StringComparison.Ordinal) && Environment.ProcessorCount > 1)
                {
                    pinned++;
                }
            }
            catch (IOException)
            {
                // the thread ended while we looked
            }
        }

        return pinned;
    }

    private static Embedder Create(string config) => config switch
    {
        "package-default" => Embedder.Package(new PackageMiniLmEmbedder(intraOpThreads: 0)),
        "package-1" => Embedder.Package(new PackageMiniLmEmbedder(intraOpThreads: 1)),
        "new-default" => Embedder.New(new MiniLmEmbeddingGenerator()),
        // The default before batch-parallel inference and the padding limit: one batch after another, each on all
        // intra-op threads, batches cut by count and padded positions only.
        "new-sequential" => Embedder.New(new MiniLmEmbeddingGenerator(new MiniLmEmbeddingGeneratorOptions(), null, MiniLmBatchParallelism.None) { MaxPadding = double.PositiveInfinity }),
        // Each change alone: one batch after another with the padding limit; batch-parallel without it.
        "new-sequential-pad10" => Embedder.New(new MiniLmEmbeddingGenerator(new MiniLmEmbeddingGeneratorOptions(), null, MiniLmBatchParallelism.None)),
        "new-nopad" => Embedder.New(new MiniLmEmbeddingGenerator { MaxPadding = double.PositiveInfinity }),
        // Batch-parallel workers each taking calls of up to the full MaxBatchTokens (not their share of it).
        "new-fullcalls" => Embedder.New(new MiniLmEmbeddingGenerator { SplitBatchTokens = false }),
        // Other padding limits (the default is 10 %).
        "new-pad15" => Embedder.New(new MiniLmEmbeddingGenerator { MaxPadding = 0.15 }),
        "new-pad20" => Embedder.New(new MiniLmEmbeddingGenerator { MaxPadding = 0.20 }),
        // One thread without the padding limit (one thread before this change).
        "new-1-nopad" => Embedder.New(new MiniLmEmbeddingGenerator(new MiniLmEmbeddingGeneratorOptions { IntraOpThreads = 1 }) { MaxPadding = double.PositiveInfinity }),
        // Batch-parallel workers sharing the one session (and its intra-op threads) instead of a second session.
        "new-shared" => Embedder.New(new MiniLmEmbeddingGenerator(new MiniLmEmbeddingGeneratorOptions(), null, MiniLmBatchParallelism.SharedSession)),
        "new-1" => Embedder.New(new MiniLmEmbeddingGenerator(new MiniLmEmbeddingGeneratorOptions { IntraOpThreads = 1 })),
        "new-1-spin" => Embedder.New(new MiniLmEmbeddingGenerator(new MiniLmEmbeddingGeneratorOptions { IntraOpThreads = 1, AllowSpinning = true })),
        "new-2" => Embedder.New(new MiniLmEmbeddingGenerator(new MiniLmEmbeddingGeneratorOptions { IntraOpThreads = 2 })),
        "new-2-spin" => Embedder.New(new MiniLmEmbeddingGenerator(new MiniLmEmbeddingGeneratorOptions { IntraOpThreads = 2, AllowSpinning = true })),
        // ONNX Runtime's own default: thread count 0 (one per physical core, pinned), spinning.
        "new-ort0-spin" => Embedder.New(new MiniLmEmbeddingGenerator(new MiniLmEmbeddingGeneratorOptions { AllowSpinning = true }, so => so.IntraOpNumThreads = 0)),
        "new-ort0" => Embedder.New(new MiniLmEmbeddingGenerator(new MiniLmEmbeddingGeneratorOptions(), so => so.IntraOpNumThreads = 0)),
        "new-basic" => Embedder.New(new MiniLmEmbeddingGenerator(new MiniLmEmbeddingGeneratorOptions(), so => so.GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_BASIC)),
        "new-extended" => Embedder.New(new MiniLmEmbeddingGenerator(new MiniLmEmbeddingGeneratorOptions(), so => so.GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_EXTENDED)),
        "new-noopt" => Embedder.New(new MiniLmEmbeddingGenerator(new MiniLmEmbeddingGeneratorOptions(), so => so.GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL)),
        // Writes the graph as ONNX Runtime optimised it (ENABLE_ALL / BASIC), to see which fusions apply.
        "dump-all" => Embedder.New(new MiniLmEmbeddingGenerator(new MiniLmEmbeddingGeneratorOptions(), so => so.OptimizedModelFilePath = Path.Combine(Path.GetTempPath(), "minilm-optimized-all.onnx"))),
        "dump-basic" => Embedder.New(new MiniLmEmbeddingGenerator(new MiniLmEmbeddingGeneratorOptions(), so =>
        {
            so.GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_BASIC;
            so.OptimizedModelFilePath = Path.Combine(Path.GetTempPath(), "minilm-optimized-basic.onnx");
        })),
        "new-b64" => Embedder.New(new MiniLmEmbeddingGenerator(new MiniLmEmbeddingGeneratorOptions { MaxBatchSize = 64 })),
        "new-b128" => Embedder.New(new MiniLmEmbeddingGenerator(new MiniLmEmbeddingGeneratorOptions { MaxBatchSize = 128 })),
        "new-b256" => Embedder.New(new MiniLmEmbeddingGenerator(new MiniLmEmbeddingGeneratorOptions { MaxBatchSize = 256 })),
        "new-1-b128" => Embedder.New(new MiniLmEmbeddingGenerator(new MiniLmEmbeddingGeneratorOptions { IntraOpThreads = 1, MaxBatchSize = 128 })),
        "new-parallel" => Embedder.New(new MiniLmEmbeddingGenerator(new MiniLmEmbeddingGeneratorOptions(), so =>
        {
            so.ExecutionMode = ExecutionMode.ORT_PARALLEL;
            so.InterOpNumThreads = Environment.ProcessorCount;
        })),
        _ => throw new ArgumentOutOfRangeException(nameof(config), config, "unknown configuration"),
    };

    private sealed class Embedder(Action<IReadOnlyList<string>> run, IDisposable owner) : IDisposable
    {
        public static Embedder Package(PackageMiniLmEmbedder package) => new(t => package.Embed(t), package);

        public static Embedder New(MiniLmEmbeddingGenerator generator) => new(t => generator.GenerateAsync(t).GetAwaiter().GetResult(), generator);

        public void Run(IReadOnlyList<string> texts) => run(texts);

        public void Dispose() => owner.Dispose();
    }
}
