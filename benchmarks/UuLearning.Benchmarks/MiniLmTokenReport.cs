using System.Globalization;
using System.Text;
using UuLearning.Internal;
using UuLearning.Tests;

namespace UuLearning.Benchmarks;

/// <summary><c>minilm-tokens [--out FILE]</c>: for each MiniLM text set (all 1,956 YouTube comments), the real and padded word pieces the package's
/// path and the rewrite send to the model, how many texts the two tokenizers read differently, and the cosine between
/// the two paths' vectors (one thread each).</summary>
internal static class MiniLmTokenReport
{
    public static int Run(string[] args)
    {
        var table = new StringBuilder();
        table.AppendLine("| texts | n | package real | package padded | package padded/real | rewrite real | rewrite padded | rewrite padded/real | texts tokenized differently | min cosine, same ids | min cosine, different ids |");
        table.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|");
        using var package = new PackageMiniLmEmbedder(intraOpThreads: 1);
        var options = new MiniLmEmbeddingGeneratorOptions { IntraOpThreads = 1 };
        using var generator = new MiniLmEmbeddingGenerator(options);
        foreach (var name in MiniLmTextSets.Available().Select(n => n == MiniLmTextSets.Youtube ? MiniLmTextSets.YoutubeAll : n))
        {
            var texts = MiniLmTextSets.Read(name);
            var oldIds = texts.Select(package.Tokenize).ToArray();
            var newIds = texts.Select(generator.Tokenize).ToArray();
            long oldReal = oldIds.Sum(x => (long)Math.Min(512, x.Length));
            var oldPadded = package.PaddedTokens(texts);
            long newReal = newIds.Sum(x => (long)x.Length);
            long newPadded = TokenBatches.Plan([.. newIds.Select(x => x.Length)], options.MaxBatchSize, options.MaxBatchTokens, out var order, MiniLmEmbeddingGenerator.DefaultMaxPadding)
                .Sum(b => (long)order[b].Length * order[b].Max(i => newIds[i].Length));
            var same = Enumerable.Range(0, texts.Count).Select(i => oldIds[i].SequenceEqual(newIds[i].Select(x => (long)x))).ToArray();
            var oldVectors = package.Embed(texts);
            var newVectors = generator.GenerateAsync(texts).GetAwaiter().GetResult();
            var cosines = Enumerable.Range(0, texts.Count).Select(i => Cosine(oldVectors[i], newVectors[i].Vector.Span)).ToArray();
            var minSame = Enumerable.Range(0, texts.Count).Where(i => same[i]).Select(i => cosines[i]).DefaultIfEmpty(double.NaN).Min();
            var minDifferent = Enumerable.Range(0, texts.Count).Where(i => !same[i]).Select(i => cosines[i]).DefaultIfEmpty(double.NaN).Min();
            var row = string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {texts.Count} | {oldReal:N0} | {oldPadded:N0} | {(double)oldPadded / oldReal:0.00} | {newReal:N0} | {newPadded:N0} | {(double)newPadded / newReal:0.00} | {same.Count(s => !s)} | {minSame:0.000000} | {minDifferent:0.0000} |");
            Console.WriteLine(row);
            table.AppendLine(row);
        }

        Console.WriteLine(table);
        if (args.Length == 2 && args[0] == "--out")
        {
            File.WriteAllText(args[1], table.ToString());
        }

        return 0;
    }

    private static double Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double ab = 0, aa = 0, bb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            ab += a[i] * b[i];
            aa += a[i] * a[i];
            bb += b[i] * b[i];
        }

        return ab / Math.Sqrt(aa * bb);
    }
}
