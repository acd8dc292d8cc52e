using System.Globalization;
using UuLearning.Internal;

namespace UuLearning.Benchmarks;

/// <summary><c>minilm-padding [n]</c>: for each MiniLM text set (all 1,956 YouTube comments, and the first n if given) and each padding limit of
/// <see cref="TokenBatches.Plan"/> (none, then a call may not take a text that would make its padded positions more
/// than 1 + x times its real word pieces), the number of model calls, padded/real word pieces, and padded/real
/// attention scores (texts x longest^2 against the sum of length^2), and how much of the padding the five calls of the
/// longest texts hold, at the default 32 texts and 8,192 positions.</summary>
internal static class MiniLmPaddingReport
{
    public static int Run(string[] args)
    {
        var inv = CultureInfo.InvariantCulture;
        var options = new MiniLmEmbeddingGeneratorOptions { IntraOpThreads = 1 };
        using var generator = new MiniLmEmbeddingGenerator(options);
        Console.WriteLine("| texts | padding limit x | calls | mean texts per call | padded/real pieces | padded/real attention | share of the padding in the last 5 calls |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        var sets = MiniLmTextSets.Available().Select(n => (n == MiniLmTextSets.Youtube ? MiniLmTextSets.YoutubeAll : n, int.MaxValue)).ToList();
        if (args.Length > 0)
        {
            sets.Insert(1, (MiniLmTextSets.YoutubeAll, int.Parse(args[0], inv)));
        }

        foreach (var (name, count) in sets)
        {
            var lengths = MiniLmTextSets.Read(name).Take(count).Select(t => generator.Tokenize(t).Length).ToArray();
            long real = lengths.Sum(x => (long)x);
            double realSquares = lengths.Sum(x => (double)x * x);
            foreach (var limit in new[] { double.PositiveInfinity, 0.30, 0.20, 0.15, 0.10, 0.05 })
            {
                var batches = TokenBatches.Plan(lengths, options.MaxBatchSize, options.MaxBatchTokens, out var order, limit);
                long padded = batches.Sum(b => (long)order[b].Length * order[b].Max(i => lengths[i]));
                var paddedSquares = batches.Sum(b => order[b].Length * Math.Pow(order[b].Max(i => lengths[i]), 2));
                var tail = batches.TakeLast(5).Sum(b => (long)order[b].Length * order[b].Max(i => lengths[i]) - order[b].Sum(i => (long)lengths[i]));
                if (double.IsInfinity(limit))
                {
                    Console.WriteLine(string.Join("; ", batches.TakeLast(4).Select(b => string.Create(inv,
                        $"{order[b].Length} texts of {lengths[order[b][0]]}-{lengths[order[b][^1]]} pieces"))));
                }

                Console.WriteLine(string.Create(inv,
                    $"| {name}{(count < int.MaxValue ? $", first {count}" : "")} | {(double.IsInfinity(limit) ? "none" : limit.ToString("0.00", inv))} | {batches.Count} | {(double)lengths.Length / batches.Count:0.0} | {(double)padded / real:0.000} | {paddedSquares / realSquares:0.000} | {(double)tail / (padded - real):0.00} |"));
            }
        }

        return 0;
    }
}
