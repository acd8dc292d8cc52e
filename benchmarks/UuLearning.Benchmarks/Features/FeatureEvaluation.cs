using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace UuLearning.Benchmarks.Features;

/// <summary>
/// <c>features accuracy [--cache DIR] [--reps a,b,...] [--out FILE] data.csv...</c>: 5-fold accuracy of logistic
/// regression on gold labels per dataset and representation.
/// <c>features throughput --short data.csv --long data.csv [--out FILE]</c>: texts per second and memory.
/// </summary>
internal static class FeatureEvaluation
{
    private static readonly string[] DefaultReps = ["hashing", "minilm", "concat"];

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0)
        {
            Console.Error.WriteLine("usage: features accuracy|throughput ...");
            return 2;
        }

        var options = ParseOptions(args[1..], out var files);
        return args[0] switch
        {
            "accuracy" => await AccuracyAsync(files, options),
            "throughput" => await ThroughputAsync(options),
            _ => 2,
        };
    }

    private static Dictionary<string, string> ParseOptions(string[] args, out List<string> files)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        files = [];
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i].StartsWith("--", StringComparison.Ordinal))
            {
                options[args[i][2..]] = args[++i];
            }
            else
            {
                files.Add(args[i]);
            }
        }

        return options;
    }

    private static async Task<int> AccuracyAsync(List<string> files, Dictionary<string, string> options)
    {
        var reps = options.TryGetValue("reps", out var r) ? r.Split(',') : DefaultReps;
        var cacheDir = options.GetValueOrDefault("cache", ".embedding-cache");
        var table = new StringBuilder();
        table.AppendLine(CultureInfo.InvariantCulture, $"| dataset | n | positive share | {string.Join(" | ", reps)} |");
        table.AppendLine(CultureInfo.InvariantCulture, $"|---|---|---|{string.Concat(reps.Select(_ => "---|"))}");
        MiniLmEmbeddingGenerator? miniLm = null;
        DiskCachingEmbeddingGenerator? cached = null;
        try
        {
            foreach (var file in files)
            {
                var data = FeatureDataset.Read(file);
                Console.WriteLine($"{data.Name}: {data.Texts.Count} items");
                var cells = new List<string>();
                var computed = new Dictionary<string, IReadOnlyList<ReadOnlyMemory<float>>>(StringComparer.Ordinal);
                foreach (var rep in reps)
                {
                    var sw = Stopwatch.StartNew();
                    var features = await RepresentAsync(rep, data, computed, cacheDir, () =>
                    {
                        miniLm ??= new MiniLmEmbeddingGenerator();
                        return cached ??= new DiskCachingEmbeddingGenerator(miniLm, cacheDir);
                    });
                    computed[rep] = features;
                    var featureSeconds = sw.Elapsed.TotalSeconds;
                    var (mean, std) = LogisticRegressionCv.CrossValidatedAccuracy(features, data.Gold);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {rep,-16} dim {features[0].Length,6}  acc {mean:0.000} ± {std:0.000}  (features {featureSeconds:0.0}s, total {sw.Elapsed.TotalSeconds:0.0}s)"));
                    cells.Add(string.Create(CultureInfo.InvariantCulture, $"{mean:0.000} ± {std:0.000}"));
                }

                var positive = data.Gold.Average();
                table.AppendLine(CultureInfo.InvariantCulture, $"| {data.Name} | {data.Texts.Count} | {positive:0.00} | {string.Join(" | ", cells)} |");
            }
        }
        finally
        {
            cached?.Dispose();
            miniLm?.Dispose();
        }

        Console.WriteLine();
        Console.WriteLine(table);
        if (options.TryGetValue("out", out var outFile))
        {
            await File.WriteAllTextAsync(outFile, table.ToString());
        }

        return 0;
    }

    private static async Task<IReadOnlyList<ReadOnlyMemory<float>>> RepresentAsync(
        string rep, FeatureDataset data, Dictionary<string, IReadOnlyList<ReadOnlyMemory<float>>> computed, string cacheDir,
        Func<DiskCachingEmbeddingGenerator> miniLm)
    {
        _ = cacheDir;
        if (rep == "minilm")
        {
            var progress = new Progress<int>(done => Console.Write($"\r  minilm {done}/{data.Texts.Count}   "));
            var result = await TextFeatures.EmbedAsync(miniLm(), data.Texts, new TextFeatureOptions { BatchSize = 32 }, progress);
            Console.WriteLine();
            return result;
        }

        if (rep.StartsWith("concat", StringComparison.Ordinal))
        {
            // concat = hashing + minilm; concat:<a>+<b> for others.
            var parts = rep == "concat" ? ["hashing", "minilm"] : rep["concat:".Length..].Split('+');
            var list = new List<IReadOnlyList<ReadOnlyMemory<float>>>();
            foreach (var part in parts)
            {
                if (!computed.TryGetValue(part, out var f))
                {
                    f = await RepresentAsync(part, data, computed, cacheDir, miniLm);
                    computed[part] = f;
                }

                list.Add(f);
            }

            return TextFeatures.Concatenate(list);
        }

        var options = ParseHashing(rep);
        var featurizer = HashingTextFeaturizer.Fit(data.Texts, options);
        return await TextFeatures.EmbedAsync(featurizer, data.Texts, new TextFeatureOptions { BatchSize = 1024 });
    }

    /// <summary>hashing[-rp|-sh][-dN][-cMIN-MAX][-wN], e.g. hashing-sh-d4096, hashing-rp-d1024-c3-5.</summary>
    private static HashingFeaturizerOptions ParseHashing(string rep)
    {
        var options = new HashingFeaturizerOptions();
        foreach (var part in rep.Split('-').Skip(1))
        {
            if (part == "sh")
            {
                options.Projection = HashingProjection.SignedHashing;
            }
            else if (part == "rp")
            {
                options.Projection = HashingProjection.Random;
            }
            else if (part[0] == 'd')
            {
                options.Dimensions = int.Parse(part[1..], CultureInfo.InvariantCulture);
            }
            else if (part[0] == 'w')
            {
                options.MaxWordNGram = int.Parse(part[1..], CultureInfo.InvariantCulture);
            }
            else if (part[0] == 'c')
            {
                var range = part[1..].Split('_');
                options.MinCharNGram = int.Parse(range[0], CultureInfo.InvariantCulture);
                options.MaxCharNGram = int.Parse(range[^1], CultureInfo.InvariantCulture);
            }
        }

        return options;
    }

    private static async Task<int> ThroughputAsync(Dictionary<string, string> options)
    {
        var shortTexts = FeatureDataset.Read(options["short"]).Texts.Where(t => !string.IsNullOrWhiteSpace(t)).ToList();
        var articles = FeatureDataset.Read(options["long"]).Texts
            .Select(t => t.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
            .Where(w => w.Length >= 500)
            .Select(w => string.Join(' ', w.Take(500)))
            .ToList();
        var miniLmShort = int.Parse(options.GetValueOrDefault("minilm-short", "256"), CultureInfo.InvariantCulture);
        var miniLmLong = int.Parse(options.GetValueOrDefault("minilm-long", "64"), CultureInfo.InvariantCulture);
        var table = new StringBuilder();
        table.AppendLine(CultureInfo.InvariantCulture, $"Machine: {Environment.ProcessorCount} logical cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}.");
        table.AppendLine(CultureInfo.InvariantCulture, $"Short: {shortTexts.Count} texts, mean {shortTexts.Average(t => t.Split(' ').Length):0} words; long: {articles.Count} articles cut to 500 words.");
        table.AppendLine();
        table.AppendLine("| featurizer | texts | n | texts/s (best of runs) | allocated per text | working set after |");
        table.AppendLine("|---|---|---|---|---|---|");

        var fitSw = Stopwatch.StartNew();
        var hashing = HashingTextFeaturizer.Fit(shortTexts.Concat(articles), new HashingFeaturizerOptions { Projection = HashingProjection.Random, Dimensions = 384 });
        table.AppendLine(CultureInfo.InvariantCulture, $"| hashing Fit (384, random) | short+long corpus | {shortTexts.Count + articles.Count} | {(shortTexts.Count + articles.Count) / fitSw.Elapsed.TotalSeconds:0} | | |");
        await Measure(table, "hashing (384, random), calls of 32", "short", hashing, shortTexts, 3);
        await Measure(table, "hashing (384, random), calls of 32", "500-word", hashing, articles, 3);
        var sparse = HashingTextFeaturizer.Fit(shortTexts.Concat(articles), new HashingFeaturizerOptions { Projection = HashingProjection.SignedHashing, Dimensions = 4096 });
        await Measure(table, "hashing (4096, signed; default), calls of 32", "short", sparse, shortTexts, 3);
        await Measure(table, "hashing (4096, signed; default), calls of 32", "500-word", sparse, articles, 3);

        var loadSw = Stopwatch.StartNew();
        var before = GC.GetTotalMemory(true);
        using var miniLm = new MiniLmEmbeddingGenerator();
        await miniLm.GenerateAsync(["warm up"]);
        table.AppendLine(CultureInfo.InvariantCulture, $"| MiniLM load + first call | | 1 | {loadSw.Elapsed.TotalSeconds:0.00} s | managed {(GC.GetTotalMemory(true) - before) / 1e6:0} MB | {Environment.WorkingSet / 1e6:0} MB |");
        await Measure(table, "MiniLM, calls of 256 texts", "short", miniLm, shortTexts.Take(miniLmShort).ToList(), 1, 256);
        await Measure(table, "MiniLM, calls of 256 texts", "500-word", miniLm, articles.Take(miniLmLong).ToList(), 1, 256);
        table.AppendLine();
        table.AppendLine(CultureInfo.InvariantCulture, $"Peak working set of the process: {Process.GetCurrentProcess().PeakWorkingSet64 / 1e6:0} MB.");
        Console.WriteLine(table);
        if (options.TryGetValue("out", out var outFile))
        {
            await File.WriteAllTextAsync(outFile, table.ToString());
        }

        return 0;
    }

    private static async Task Measure(StringBuilder table, string name, string kind, Microsoft.Extensions.AI.IEmbeddingGenerator<string, Microsoft.Extensions.AI.Embedding<float>> generator, List<string> texts, int repeats, int batch = 32)
    {
        await generator.GenerateAsync(texts.Take(8).ToList());
        var best = double.MaxValue;
        long allocated = 0;
        for (var r = 0; r < repeats; r++)
        {
            var alloc = GC.GetTotalAllocatedBytes(true);
            var sw = Stopwatch.StartNew();
            for (var start = 0; start < texts.Count; start += batch)
            {
                await generator.GenerateAsync(texts.GetRange(start, Math.Min(batch, texts.Count - start)));
            }

            best = Math.Min(best, sw.Elapsed.TotalSeconds);
            allocated = GC.GetTotalAllocatedBytes(true) - alloc;
        }

        var line = string.Create(CultureInfo.InvariantCulture, $"| {name} | {kind} | {texts.Count} | {texts.Count / best:0} | {allocated / (double)texts.Count / 1024:0.0} KB | {Environment.WorkingSet / 1e6:0} MB |");
        Console.WriteLine(line);
        table.AppendLine(line);
    }
}
