// UuLearning quickstart: refine the noisy labels of the bundled YouTube Spam Collection, offline.
//
//   dotnet run --project samples/UuLearning.Samples.Quickstart -c Release [-- <output folder>]
//
// Initial labels: the majority vote of WRENCH's ten keyword/heuristic labeling functions (empty = abstained).
// Gold labels: 50 items drawn uniformly at random with a fixed seed; they are all the method sees of the truth.
// The dataset's other gold labels are used only to print how accurate each round's labels are.
// Outputs: a per-round table, <output>/refined-labels.csv and <output>/accuracy-per-round.png (default output: ./out/quickstart).
using System.Globalization;
using CsvHelper;
using ScottPlot;
using Spectre.Console;
using UuLearning;

if (!AnsiConsole.Profile.Capabilities.Interactive)
{
    AnsiConsole.Profile.Width = Math.Max(AnsiConsole.Profile.Width, 120); // redirected output: no wrapping at 80 columns
}

var outputDirectory = Path.GetFullPath(args.Length > 0 ? args[0] : Path.Combine("out", "quickstart"));
Directory.CreateDirectory(outputDirectory);

// 1. The bundled dataset, copied next to the program at build time.
var dataPath = Path.Combine(AppContext.BaseDirectory, "data", "youtube-spam.csv");
var rows = new List<SpamComment>();
using (var csv = CsvReader.FromFile(dataPath))
{
    while (csv.Read())
    {
        var vote = csv.GetString("majority_vote");
        rows.Add(new SpamComment(
            csv.GetString("id"),
            csv.GetString("text"),
            int.Parse(csv.GetString("gold"), CultureInfo.InvariantCulture),
            vote.Length == 0 ? null : int.Parse(vote, CultureInfo.InvariantCulture)));
    }
}

var texts = rows.Select(r => r.Text).ToList();
var gold = rows.Select(r => r.Gold == 1).ToList();

// <quickstart-core>
// Noisy initial labels: 1 = spam, 0 = ham, empty = the labeling functions abstained.
PseudoLabel[] initial = rows.Select(r => r.MajorityVote switch
{
    1 => PseudoLabel.Positive,
    0 => PseudoLabel.Negative,
    _ => PseudoLabel.Abstained,
}).ToArray();

// 50 gold labels drawn uniformly at random (fixed seed): all the truth the method gets.
var sample = LabeledSample.DrawUniform(gold, size: 50, seed: 42);

// Fast, offline text features: TF-IDF of hashed word and character n-grams.
using var featurizer = HashingTextFeaturizer.Fit(texts);
var features = await TextFeatures.EmbedAsync(featurizer, texts);

// Iterated robust UU learning: estimate priors, train, relabel, repeat.
var refiner = new IterativeRefiner();
// </quickstart-core>

var initialLabeled = initial.Count(l => l != PseudoLabel.Abstained);
var initialCorrectOnLabeled = Enumerable.Range(0, rows.Count).Count(i => initial[i] != PseudoLabel.Abstained && (initial[i] == PseudoLabel.Positive) == gold[i]);
var initialAccuracyOnLabeled = (double)initialCorrectOnLabeled / initialLabeled;
var initialAccuracyAll = (double)initialCorrectOnLabeled / rows.Count;

AnsiConsole.MarkupLine(CultureInfo.InvariantCulture, "[bold]UuLearning quickstart[/]: {0:N0} YouTube comments, {1} gold labels, {2}-dimensional hashing features.",
    rows.Count, sample.Count, featurizer.Dimensions);
AnsiConsole.MarkupLine(CultureInfo.InvariantCulture, "Initial labels (labeling-function majority vote): {0:N0} labeled, {1:N0} abstained; accuracy {2:0.0%} on the labeled ones, {3:0.0%} on all items (abstentions count as errors).",
    initialLabeled, rows.Count - initialLabeled, initialAccuracyOnLabeled, initialAccuracyAll);

var table = new Table()
    .Title("Refinement rounds")
    .AddColumn("Round")
    .AddColumn(new TableColumn("θP").RightAligned())
    .AddColumn(new TableColumn("θN").RightAligned())
    .AddColumn(new TableColumn("π").RightAligned())
    .AddColumn(new TableColumn("Flips").RightAligned())
    .AddColumn(new TableColumn("New").RightAligned())
    .AddColumn(new TableColumn("Spam").RightAligned())
    .AddColumn(new TableColumn("Gold agreement").RightAligned())
    .AddColumn(new TableColumn("95% CI").RightAligned())
    .AddColumn(new TableColumn("Accuracy").RightAligned())
    .AddColumn(new TableColumn("Seconds").RightAligned());
table.Caption("Gold agreement: on the 50 gold labels (all the method sees). Accuracy: on all items (evaluation only).");

var roundAccuracies = new List<double>();
RefinementResult? result = null;

// An interactive terminal gets a live table; redirected output (CI, a file) gets one line per round and the table at the end.
if (AnsiConsole.Profile.Capabilities.Interactive)
{
    await AnsiConsole.Live(table).StartAsync(async context => await RefineAsync(context.Refresh));
}
else
{
    await RefineAsync(() => AnsiConsole.MarkupLine(CultureInfo.InvariantCulture, "round {0} done", roundAccuracies.Count));
    AnsiConsole.Write(table);
}

async Task RefineAsync(Action refresh)
{
    // <quickstart-loop>
    await foreach (var update in refiner.RefineStreamingAsync(features, initial, sample))
    {
        var report = update.Report;
        var accuracy = Accuracy(update.Labels, gold);
        roundAccuracies.Add(accuracy);
        table.AddRow(
            report.Round.ToString(CultureInfo.InvariantCulture),
            report.Priors.Priors.ThetaP.ToString("0.000", CultureInfo.InvariantCulture),
            report.Priors.Priors.ThetaN.ToString("0.000", CultureInfo.InvariantCulture),
            report.Priors.Priors.Pi.ToString("0.000", CultureInfo.InvariantCulture),
            report.Flips.ToString("N0", CultureInfo.InvariantCulture),
            report.NewlyLabeled.ToString("N0", CultureInfo.InvariantCulture),
            report.PositiveShare.ToString("0.0%", CultureInfo.InvariantCulture),
            report.SampleAgreement.ToString("0%", CultureInfo.InvariantCulture),
            string.Create(CultureInfo.InvariantCulture, $"{report.SampleAgreementInterval.Lower:0%}–{report.SampleAgreementInterval.Upper:0%}"),
            accuracy.ToString("0.0%", CultureInfo.InvariantCulture),
            report.Seconds.ToString("0.0", CultureInfo.InvariantCulture));
        refresh();
        result = update.Result; // the last update carries the result
    }
    // </quickstart-loop>
}

using var refined = result ?? throw new InvalidOperationException("The refinement returned no result.");
// The labeled sample's items come back with their gold label: score the returned labels on the other items only.
var outside = Enumerable.Range(0, rows.Count).Except(sample.Indices).ToArray();
var finalAccuracy = outside.Average(i => (refined.Labels[i] == PseudoLabel.Positive) == gold[i] ? 1.0 : 0.0);
AnsiConsole.MarkupLine(CultureInfo.InvariantCulture, "Stopped: {0} Returned: {1}.", Markup.Escape(refined.StopDetail),
    refined.ChosenRound == 0 ? "the initial labels (no round showed a clear gain over them)" : $"round {refined.ChosenRound}");
AnsiConsole.MarkupLine(CultureInfo.InvariantCulture, "[bold]Accuracy: initial {0:0.0%} on all {1:N0} items (abstentions as errors; {2:0.0%} on the {3:N0} labeled) -> returned {4:0.0%} on the {5:N0} items outside the gold sample[/]; {6:N0} labels changed.",
    initialAccuracyAll, rows.Count, initialAccuracyOnLabeled, initialLabeled, finalAccuracy, outside.Length, refined.ChangedCount);
AnsiConsole.MarkupLine(CultureInfo.InvariantCulture, "Estimated without gold (what a user sees): returned labels {0}, initial labels {1}.",
    Markup.Escape(refined.EstimatedAccuracy.ToString()), Markup.Escape(refined.InitialEstimatedAccuracy.ToString()));

// 3. The refined labels, one row per item.
var labelsPath = Path.Combine(outputDirectory, "refined-labels.csv");
using (var csv = CsvWriter.ToFile(labelsPath))
{
    csv.WriteRecord(["id", "initial", "refined", "score", "changed", "gold"]);
    foreach (var d in refined.Decisions)
    {
        csv.WriteRecord([
            rows[d.Index].Id,
            ToCell(d.Initial),
            ToCell(d.Refined),
            d.Score.ToString("R", CultureInfo.InvariantCulture),
            d.Changed ? "true" : "false",
            rows[d.Index].Gold.ToString(CultureInfo.InvariantCulture)]);
    }
}

// 4. A chart of accuracy per round (round 0 = the initial labels, abstentions counted as errors).
var plot = new Plot();
double[] roundsAxis = Enumerable.Range(0, roundAccuracies.Count + 1).Select(r => (double)r).ToArray();
double[] accuracyAxis = [initialAccuracyAll, .. roundAccuracies];
var line = plot.Add.Scatter(roundsAxis, accuracyAxis);
line.LegendText = "each round's labels, on all items";
var labeledOnly = plot.Add.HorizontalLine(initialAccuracyOnLabeled);
labeledOnly.LinePattern = LinePattern.Dashed;
labeledOnly.LegendText = "initial labels, on the items they label";
var returned = plot.Add.Marker(refined.ChosenRound, finalAccuracy, MarkerShape.OpenCircle, size: 14);
returned.LegendText = $"returned labels ({refiner.Options.Relabeling} rule, round {refined.ChosenRound})";
plot.Title("UuLearning on the YouTube Spam Collection (50 gold labels)");
plot.XLabel("Round (0 = initial majority-vote labels)");
plot.YLabel("Accuracy against gold");
plot.Axes.SetLimitsY(0.5, 1.0);
plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericFixedInterval(1);
plot.ShowLegend(Alignment.LowerRight);
var chartPath = Path.Combine(outputDirectory, "accuracy-per-round.png");
plot.SavePng(chartPath, 800, 500);

AnsiConsole.MarkupLine("Wrote [link]{0}[/] and [link]{1}[/].", Markup.Escape(labelsPath), Markup.Escape(chartPath));
return 0;

static double Accuracy(IReadOnlyList<PseudoLabel> labels, IReadOnlyList<bool> gold) =>
    (double)Enumerable.Range(0, gold.Count).Count(i => labels[i] != PseudoLabel.Abstained && (labels[i] == PseudoLabel.Positive) == gold[i]) / gold.Count;

static string ToCell(PseudoLabel label) => label switch
{
    PseudoLabel.Positive => "1",
    PseudoLabel.Negative => "0",
    _ => "",
};

/// <summary>One row of the bundled CSV (id,text,gold,split,majority_vote); MajorityVote is null where the labeling functions abstained.</summary>
internal sealed record SpamComment(string Id, string Text, int Gold, int? MajorityVote);
