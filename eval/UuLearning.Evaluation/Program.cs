// Evaluates the library's default refinement on labeled datasets, the way docs/evaluation.md reports it:
// for each (dataset, noisy column) and each seed, draw 50 gold labels uniformly at random, refine, and score the
// returned labels and the initial labels on the items OUTSIDE the labeled sample.
//
// Usage: dotnet run --project eval/UuLearning.Evaluation -c Release -- <data-folder> [options]
//   <data-folder>   a folder of <dataset>/data.csv files (id,text,gold,split,<noisy columns...>; 1/0/empty)
//   --sets a:col,b:col  dataset:column pairs (default: the four dev target columns)
//   --seeds 0-9         seeds (a range or a comma list)
//   --labeled 50        labeled sample size
//   --folds 5 --selection donoharm|last --relabel posterior|sign --rounds 5 --epochs 30 --harm-tolerance 0.01
//   --runs file.csv     also write one line per run
//   --objective robust|uu|pn  the training risk (ablations)
//   multi-class sets (gold holds class names): --surrogate sigmoid|logistic (default sigmoid), --ovr 1 adds the one-vs-rest baseline
//   --score-files dir   do not refine: score the labels another tool (or an older build) wrote, one file per run named
//                       <dataset>__<column>__s<seed>.csv with columns id and refined, on the same items outside the sample
using System.Diagnostics;
using System.Globalization;
using CsvHelper;
using UuLearning;

var inv = CultureInfo.InvariantCulture;
if (args.Length == 0 || args[0].StartsWith("--", StringComparison.Ordinal))
{
    Console.Error.WriteLine("Usage: UuLearning.Evaluation <data-folder> [--sets ds:col,...] [--seeds 0-9] [--labeled 50] [--folds 5] [--selection donoharm|last] [--relabel posterior|sign] [--rounds 5] [--epochs 30] [--harm-tolerance 0.01] [--runs out.csv]");
    return 2;
}
string dataFolder = args[0];
var opts = new Dictionary<string, string>(StringComparer.Ordinal);
for (int a = 1; a + 1 < args.Length; a += 2)
{
    opts[args[a]] = args[a + 1];
}
string Opt(string name, string fallback) => opts.TryGetValue(name, out var v) ? v : fallback;
var sets = Opt("--sets", "youtube-spam:majority_vote,refusal-xstest:llm_gpt4_judge,fakenews-kaggle:sim_noise25,misinfo-headlines:llm_flan_ul2")
    .Split(',', StringSplitOptions.RemoveEmptyEntries).Select(p => (Dataset: p.Split(':')[0], Column: p.Split(':')[1])).ToArray();
int[] seeds = ParseSeeds(Opt("--seeds", "0-9"));
int labeled = int.Parse(Opt("--labeled", "50"), inv);
var options = new IterativeRefinerOptions
{
    CrossFitFolds = int.Parse(Opt("--folds", "5"), inv),
    Selection = Opt("--selection", "donoharm") == "last" ? RoundSelection.Last : RoundSelection.DoNoHarm,
    Relabeling = Opt("--relabel", "posterior") == "sign" ? RelabelingRule.Sign : RelabelingRule.Posterior,
    MaxRounds = int.Parse(Opt("--rounds", "5"), inv),
    HarmTolerance = double.Parse(Opt("--harm-tolerance", "0.01"), inv),
};
if (opts.TryGetValue("--epochs", out var epochs))
{
    options.Trainer.Epochs = int.Parse(epochs, inv);
}
if (opts.TryGetValue("--objective", out var objective))
{
    options.Trainer.Objective = objective switch { "pn" => UuObjective.Pn, "uu" => UuObjective.Uu, _ => UuObjective.RobustUu };
}
if (opts.TryGetValue("--batch", out var batch))
{
    options.Trainer.BatchSize = int.Parse(batch, inv);
}
if (opts.TryGetValue("--lr", out var lr))
{
    options.Trainer.LearningRate = double.Parse(lr, inv);
}
string? runsPath = opts.GetValueOrDefault("--runs");
string? scoreFiles = opts.GetValueOrDefault("--score-files");
var runLines = new List<string> { "dataset,column,seed,items_outside,initial_acc,refined_acc,estimated_acc,estimated_lower,estimated_upper,covered,chosen_round,changed,seconds,cpu_seconds" };

Console.WriteLine(string.Create(inv, $"# folds {options.CrossFitFolds}, harm tolerance {options.HarmTolerance}, selection {options.Selection}, relabel {options.Relabeling}, rounds {options.MaxRounds}, epochs {options.Trainer.Epochs}, labeled {labeled}, seeds {string.Join(',', seeds)}"));
var summary = new List<string>();
foreach (var group in sets.GroupBy(s => s.Dataset))
{
    var path = Path.Combine(dataFolder, group.Key, "data.csv");
    var rows = new List<Dictionary<string, string>>();
    using (var csv = CsvReader.FromFile(path))
    {
        var header = csv.Headers.Select(h => h.Trim()).ToArray();
        while (csv.Read())
        {
            var row = new Dictionary<string, string>(StringComparer.Ordinal);
            for (int i = 0; i < header.Length; i++)
            {
                row[header[i]] = csv.GetString(i);
            }
            rows.Add(row);
        }
    }
    var texts = rows.Select(r => r["text"]).ToList();
    if (MultiClassEvaluation.IsMultiClass(rows.Select(r => r["gold"])))
    {
        using var mcFeaturizer = HashingTextFeaturizer.Fit(texts);
        var mcFeatures = await TextFeatures.EmbedAsync(mcFeaturizer, texts);
        var mcOptions = options.Clone();
        mcOptions.Trainer.Surrogate = Opt("--surrogate", "sigmoid") == "logistic" ? SurrogateLoss.Logistic : SurrogateLoss.Sigmoid;
        foreach (var (dataset, column) in group)
        {
            await MultiClassEvaluation.RunAsync(dataset, column, rows, mcFeatures, seeds, labeled, mcOptions, opts.ContainsKey("--ovr"), summary, runLines);
        }
        continue;
    }
    bool[] gold = rows.Select(r => r["gold"] == "1").ToArray();
    using var featurizer = HashingTextFeaturizer.Fit(texts);
    var features = scoreFiles is null ? await TextFeatures.EmbedAsync(featurizer, texts) : [];
    foreach (var (dataset, column) in group)
    {
        var initial = rows.Select(r => r[column] switch { "1" => PseudoLabel.Positive, "0" => PseudoLabel.Negative, _ => PseudoLabel.Abstained }).ToArray();
        var deltas = new List<(int Seed, double Initial, double Refined, bool Covered, int Chosen, double Seconds)>();
        foreach (int seed in seeds)
        {
            var sample = LabeledSample.DrawUniform(gold, labeled, seed);
            var inSample = new HashSet<int>(sample.Indices);
            var outsideItems = Enumerable.Range(0, gold.Length).Where(i => !inSample.Contains(i)).ToArray();
            // Accuracy of a labeling on the items outside the labeled sample (the only ones ever scored).
            double AccuracyOutside(Func<int, bool> predictedPositive) => outsideItems.Average(i => predictedPositive(i) == gold[i] ? 1.0 : 0.0);
            double initialAccuracy = AccuracyOutside(i => initial[i] == PseudoLabel.Positive);
            var o = options.Clone();
            o.Trainer.Seed = seed;
            var watch = Stopwatch.StartNew();
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            if (scoreFiles is not null)
            {
                var file = Path.Combine(scoreFiles, $"{dataset}__{column}__s{seed}.csv");
                var refinedById = new Dictionary<string, string>(StringComparer.Ordinal);
                using (var reader = CsvReader.FromFile(file))
                {
                    int idColumn = Array.IndexOf(reader.Headers.ToArray(), "id"), refinedColumn = Array.IndexOf(reader.Headers.ToArray(), "refined");
                    while (reader.Read())
                    {
                        refinedById[reader.GetString(idColumn)] = reader.GetString(refinedColumn);
                    }
                }
                double a0 = initialAccuracy, a1 = AccuracyOutside(i => refinedById[rows[i]["id"]] == "1");
                deltas.Add((seed, a0, a1, false, -1, 0));
                Console.WriteLine(string.Create(inv, $"{dataset,-18} {column,-22} seed {seed}: initial {a0:0.000} scored {a1:0.000} ({Gain.Signed(a1 - a0)}) from {file}"));
                continue;
            }
            var roundAccuracy = new List<double>();
            RefinementResult? final = null;
            await foreach (var update in new IterativeRefiner(options: o).RefineStreamingAsync(features, initial, sample))
            {
                roundAccuracy.Add(AccuracyOutside(i => update.Labels[i] == PseudoLabel.Positive));
                final = update.Result ?? final;
            }
            using var result = final!;
            double seconds = watch.Elapsed.TotalSeconds;
            double cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
            int outside = outsideItems.Length;
            double ia = initialAccuracy, ra = AccuracyOutside(i => result.Labels[i] == PseudoLabel.Positive);
            var est = result.EstimatedAccuracy;
            bool covered = est.Interval.Contains(ra);
            deltas.Add((seed, ia, ra, covered, result.ChosenRound, seconds));
            runLines.Add(string.Create(inv, $"{dataset},{column},{seed},{outside},{ia:0.0000},{ra:0.0000},{est.Value:0.0000},{est.Interval.Lower:0.0000},{est.Interval.Upper:0.0000},{(covered ? 1 : 0)},{result.ChosenRound},{result.ChangedCount},{seconds:0.00},{cpuSeconds:0.00}"));
            Console.WriteLine(string.Create(inv, $"{dataset,-18} {column,-22} seed {seed}: initial {ia:0.000} refined {ra:0.000} ({Gain.Signed(ra - ia)}) est {est} {(covered ? "in" : "OUT")} round {result.ChosenRound}{(result.ConfidentFlipsOnly ? "c" : "")} [{string.Join(' ', result.Rounds.Select((r, k) => roundAccuracy[k].ToString("0.000", inv) + "/" + r.Assessment.Gain.ToString("+0.000;-0.000", inv) + (r.Assessment.Eligible ? "*" : "") + "|" + r.ConfidentFlipsAssessment.Gain.ToString("+0.000;-0.000", inv) + (r.ConfidentFlipsAssessment.Eligible ? "*" : "")))}] {seconds:0.0}s ({cpuSeconds:0.0} CPU-s)"));
        }
        double mi = deltas.Average(d => d.Initial), mr = deltas.Average(d => d.Refined);
        var worst = deltas.MinBy(d => d.Refined - d.Initial);
        summary.Add(string.Create(inv,
            $"| {dataset}, {column} | {mi:0.000} | {mr:0.000} | {Gain.Signed(mr - mi)} | {Gain.Signed(worst.Refined - worst.Initial)} (seed {worst.Seed}) | {deltas.Min(d => d.Refined):0.000} | {deltas.Count(d => d.Chosen > 0)}/{deltas.Count} | {deltas.Count(d => d.Covered)}/{deltas.Count} | {deltas.Average(d => d.Seconds):0.0} |"));
    }
}
Console.WriteLine();
Console.WriteLine("| dataset, noisy column | initial (outside sample) | returned | mean gain | worst draw gain | worst returned | refined chosen | estimate covers truth | seconds per run |");
Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
foreach (var line in summary)
{
    Console.WriteLine(line);
}
if (runsPath is not null)
{
    File.WriteAllLines(runsPath, runLines);
}
return 0;

static int[] ParseSeeds(string text)
{
    if (text.Contains('-', StringComparison.Ordinal))
    {
        var parts = text.Split('-');
        int from = int.Parse(parts[0], CultureInfo.InvariantCulture), to = int.Parse(parts[1], CultureInfo.InvariantCulture);
        return Enumerable.Range(from, to - from + 1).ToArray();
    }
    return text.Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
}
