using System.Diagnostics;
using System.Globalization;
using UuLearning;

/// <summary>
/// The multi-class part of the harness: for a dataset whose gold and labeler columns hold class names, draws the same
/// uniform samples as the binary harness (same seeds), refines with <see cref="MultiClassRefiner"/> and scores the returned
/// and the initial labels on the items outside the sample. With --ovr it also runs the one-vs-rest baseline: one binary
/// <see cref="IterativeRefiner"/> per class (class c against the rest), each item labeled by the class whose refined
/// posterior is highest.
/// </summary>
internal static class MultiClassEvaluation
{
    public static bool IsMultiClass(IEnumerable<string> gold) => gold.Any(g => g != "0" && g != "1");

    public static async Task RunAsync(string dataset, string column, List<Dictionary<string, string>> rows, IReadOnlyList<ReadOnlyMemory<float>> features,
        int[] seeds, int labeled, IterativeRefinerOptions options, bool ovr, List<string> summary, List<string> runLines)
    {
        var inv = CultureInfo.InvariantCulture;
        var classes = rows.Select(r => r["gold"]).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        int k = classes.Length;
        int[] gold = rows.Select(r => Array.IndexOf(classes, r["gold"])).ToArray();
        int[] initial = rows.Select(r => Array.IndexOf(classes, r[column])).ToArray(); // -1 for empty (abstained) or unknown
        var deltas = new List<(int Seed, double Initial, double Refined, double Ovr, bool Covered, int Chosen, double Seconds)>();
        foreach (int seed in seeds)
        {
            var sample = MultiClassLabeledSample.DrawUniform(gold, k, labeled, seed);
            var inSample = new HashSet<int>(sample.Indices);
            var outside = Enumerable.Range(0, gold.Length).Where(i => !inSample.Contains(i)).ToArray();
            double Accuracy(IReadOnlyList<int> labels) => outside.Average(i => labels[i] == gold[i] ? 1.0 : 0.0);
            double ia = Accuracy(initial);
            var o = options.Clone();
            o.Trainer.Seed = seed;
            var watch = Stopwatch.StartNew();
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            MultiClassRefinementResult result;
            try
            {
                result = await new MultiClassRefiner(options: o).RefineAsync(features, initial, sample);
            }
            catch (InvalidOperationException ex)
            {
                Console.WriteLine($"{dataset,-18} {column,-22} seed {seed}: refused ({ex.Message}); initial labels kept");
                deltas.Add((seed, ia, ia, double.NaN, false, -1, 0));
                continue;
            }
            using var owned = result;
            double seconds = watch.Elapsed.TotalSeconds;
            double cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
            double ra = Accuracy(result.Labels);
            double oa = ovr ? Accuracy(await OneVsRestAsync(features, initial, gold, k, labeled, seed, options)) : double.NaN;
            var est = result.EstimatedAccuracy;
            bool covered = est.Interval.Contains(ra);
            deltas.Add((seed, ia, ra, oa, covered, result.ChosenRound, seconds));
            runLines.Add(string.Create(inv, $"{dataset},{column},{seed},{outside.Length},{ia:0.0000},{ra:0.0000},{est.Value:0.0000},{est.Interval.Lower:0.0000},{est.Interval.Upper:0.0000},{(covered ? 1 : 0)},{result.ChosenRound},{result.ChangedCount},{seconds:0.00},{cpu:0.00}"));
            Console.WriteLine(string.Create(inv,
                $"{dataset,-18} {column,-22} seed {seed}: initial {ia:0.000} refined {ra:0.000} ({Gain.Signed(ra - ia)}){(ovr ? $" ovr {oa:0.000}" : "")} est {est} {(covered ? "in" : "OUT")} round {result.ChosenRound}{(result.ConfidentFlipsOnly ? "c" : "")} [{string.Join(' ', result.Rounds.Select(r => r.SampleAgreement.ToString("0.00", inv) + "/" + r.Assessment.Gain.ToString("+0.000;-0.000", inv) + (r.Assessment.Eligible ? "*" : "") + "|" + r.ConfidentFlipsAssessment.Gain.ToString("+0.000;-0.000", inv) + (r.ConfidentFlipsAssessment.Eligible ? "*" : "")))}] cond {result.Rounds[0].Priors.Priors.ConditionNumber:0.0} {seconds:0.0}s ({cpu:0.0} CPU-s)"));
        }
        double mi = deltas.Average(d => d.Initial), mr = deltas.Average(d => d.Refined);
        var worst = deltas.MinBy(d => d.Refined - d.Initial);
        summary.Add(string.Create(inv,
            $"| {dataset}, {column} | {mi:0.000} | {mr:0.000} | {Gain.Signed(mr - mi)} | {Gain.Signed(worst.Refined - worst.Initial)} (seed {worst.Seed}) | {deltas.Min(d => d.Refined):0.000} | {deltas.Count(d => d.Chosen > 0)}/{deltas.Count} | {deltas.Count(d => d.Covered)}/{deltas.Count} | {deltas.Average(d => d.Seconds):0.0} |") +
            (ovr ? string.Create(inv, $" one-vs-rest {deltas.Average(d => d.Ovr):0.000} (worst draw {Gain.Signed(deltas.Min(d => d.Ovr - d.Initial))}) |") : ""));
    }

    /// <summary>One binary refinement per class; each item gets the class whose returned posterior is highest.</summary>
    private static async Task<int[]> OneVsRestAsync(IReadOnlyList<ReadOnlyMemory<float>> features, int[] initial, int[] gold, int k, int labeled, int seed, IterativeRefinerOptions options)
    {
        var binaryGold = gold.Select(g => g == 0).ToArray();
        var sample = LabeledSample.DrawUniform(binaryGold, labeled, seed);
        var posterior = new double[k][];
        for (int c = 0; c < k; c++)
        {
            var labels = initial.Select(l => l < 0 ? PseudoLabel.Abstained : l == c ? PseudoLabel.Positive : PseudoLabel.Negative).ToArray();
            var classSample = new LabeledSample(sample.Indices, sample.Indices.Select(i => gold[i] == c).ToArray());
            var o = options.Clone();
            o.Trainer.Seed = seed;
            o.Trainer.Surrogate = SurrogateLoss.Sigmoid;
            try
            {
                using var result = await new IterativeRefiner(options: o).RefineAsync(features, labels, classSample);
                posterior[c] = result.Posteriors.ToArray();
            }
            catch (Exception ex) when (ex is InvalidOperationException or System.Runtime.InteropServices.ExternalException)
            {
                // The class's refinement was refused (or failed inside TorchSharp): its initial labels.
                Console.WriteLine($"  one-vs-rest class {c} seed {seed}: {ex.GetType().Name}: {ex.Message.Split('\n')[0]}");
                posterior[c] = labels.Select(l => l == PseudoLabel.Positive ? 1.0 : 0.0).ToArray();
            }
        }
        return Enumerable.Range(0, initial.Length).Select(i => Enumerable.Range(0, k).MaxBy(c => posterior[c][i])).ToArray();
    }
}
