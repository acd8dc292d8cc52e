using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using CsvHelper;
using Spectre.Console;

namespace UuLearning.Cli;

/// <summary>
/// <c>uulearning refine</c> with K classes: used when <c>--classes</c> names the classes, or when the label column holds
/// three or more distinct class names and no binary spelling (1/0, yes/no, true/false, positive/negative). Labels are class names (compared case-insensitively after trimming); an empty cell
/// is an abstention. Output files name the classes.
/// </summary>
internal sealed class MultiClassRefineRunner(IAnsiConsole console, ProgressDisplay display)
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The class names when the run is multi-class, else null (the binary runner handles it).</summary>
    public static string[]? Classes(RefineSettings s, CsvTable table, int labelColumn)
    {
        if (s.Classes is { } given)
        {
            var names = given.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            if (names.Length < 2 || names.Distinct(StringComparer.OrdinalIgnoreCase).Count() != names.Length)
            {
                throw new CliException($"--classes needs at least two distinct class names separated by commas; got '{given}'.", ExitCodes.UsageError);
            }
            if (s.Positive is not null || s.Negative is not null)
            {
                throw new CliException("--classes names every class; do not combine it with --positive/--negative.", ExitCodes.UsageError);
            }
            return names;
        }
        if (s.Positive is not null || s.Negative is not null)
        {
            return null;
        }
        var values = table.Rows.Select(r => r[labelColumn].Trim()).Where(v => v.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        // Only a column of names alone is read as K classes: a binary spelling among them (1, 0, yes...) means a binary
        // column with a bad value, which the binary runner reports with its row.
        bool anyBinary = values.Any(v => PrecomputedPseudoLabeler.TryParseLabel(v, null, null, out _));
        return !anyBinary && values.Length >= 3 ? values.Order(StringComparer.Ordinal).ToArray() : null;
    }

    public async Task<int> RunAsync(RefineSettings s, CsvTable table, string[] classes, int textColumn, int labelColumn, int? goldColumn, string[] ids,
        Stopwatch watch, CancellationToken cancellationToken)
    {
        if (s.Priors == "oracle")
        {
            throw new CliException("--priors oracle is binary only; multi-class runs estimate Theta from the labeled sample.", ExitCodes.UsageError);
        }
        if (s.Chart is not null)
        {
            throw new CliException("--chart is binary only for now; drop it for a multi-class run (the --report JSON holds every round).", ExitCodes.UsageError);
        }
        int k = classes.Length;
        string[] texts = table.Rows.Select(r => r[textColumn]).ToArray();
        int[] initial = ReadClasses(table, labelColumn, s.LabelColumn, ids, classes);
        int?[]? gold = goldColumn is int g ? ReadClasses(table, g, s.GoldColumn!, ids, classes).Select(c => c < 0 ? (int?)null : c).ToArray() : null;
        var (sample, source) = s.Labeled is int n ? (Draw(gold!, n, s.Seed, s.GoldColumn!, k), $"{n} drawn at random (seed {s.Seed}) from gold column '{s.GoldColumn}'")
            : (ReadLabeledFile(s, ids, classes), $"file '{s.LabeledFile}'");

        MultiClassPriorEstimate first;
        try
        {
            first = new MultiClassPriorEstimator().Estimate(initial, sample);
        }
        catch (InvalidOperationException ex)
        {
            throw new CliException(ex.Message);
        }
        var options = new IterativeRefinerOptions
        {
            MaxRounds = s.Rounds,
            Selection = s.Select == "last" ? RoundSelection.Last : RoundSelection.DoNoHarm,
            Relabeling = s.Relabel == "sign" ? RelabelingRule.Sign : RelabelingRule.Posterior,
            CrossFitFolds = s.Folds,
            Trainer = new UuTrainerOptions
            {
                Objective = s.Loss switch { "uu" => UuObjective.Uu, "pn" => UuObjective.Pn, _ => UuObjective.RobustUu },
                Seed = s.Seed,
                Scorer = s.Scorer == "mlp" ? ScorerArchitecture.Mlp([128], 0.1) : ScorerArchitecture.Linear(),
            },
        };
        options.Trainer.Epochs = s.Epochs ?? options.Trainer.Epochs;
        options.Trainer.LearningRate = s.LearningRate ?? options.Trainer.LearningRate;
        options.Trainer.BatchSize = s.BatchSize ?? options.Trainer.BatchSize;
        var refiner = new MultiClassRefiner(options: options);

        MultiClassRefinementResult? result = null;
        string featureDescription = s.Features;
        await display.RunAsync(async addTask =>
        {
            var embed = addTask($"Embedding {texts.Length} texts ({s.Features})", texts.Length);
            IReadOnlyList<ReadOnlyMemory<float>> features;
            try
            {
                (features, featureDescription) = await FeatureFactory.EmbedAsync(s.Features, texts, s.CacheDirectory, s.MiniLmThreads,
                    new SynchronousProgress<int>(done => embed.Value = done), cancellationToken).ConfigureAwait(false);
            }
            catch (InvalidOperationException ex)
            {
                throw new CliException($"Embedding failed: {ex.Message}");
            }
            embed.Value = texts.Length;
            embed.StopTask();
            var train = addTask($"Refining {k} classes ({s.Rounds} rounds max)", 1);
            try
            {
                result = await refiner.RefineAsync(features, initial, sample, cancellationToken).ConfigureAwait(false);
            }
            catch (InvalidOperationException ex)
            {
                throw new CliException(ex.Message);
            }
            train.Value = 1;
            train.StopTask();
        }).ConfigureAwait(false);
        using var r = result ?? throw new CliException("The refinement ended without a result.", ExitCodes.InternalError);

        var outside = gold is null ? [] : Enumerable.Range(0, ids.Length).Where(i => gold[i] is not null && !sample.Indices.Contains(i)).ToArray();
        double? Accuracy(IReadOnlyList<int> labels) => outside.Length == 0 ? null : outside.Average(i => labels[i] == gold![i] ? 1.0 : 0.0);
        var report = new
        {
            schema = "uulearning.refine-multiclass/1",
            input = s.Input,
            items = table.Count,
            classes,
            abstained = initial.Count(c => c < 0),
            labeledSample = new { size = sample.Count, source, perClass = classes.Select((c, j) => new { @class = c, count = sample.Labels.Count(l => l == j) }) },
            features = featureDescription,
            loss = s.Loss,
            priorMethod = first.Method,
            selection = s.Select,
            relabeling = s.Relabel,
            folds = s.Folds,
            seed = s.Seed,
            rounds = r.Rounds.Select(x => new
            {
                round = x.Round,
                theta = Enumerable.Range(0, k).Select(i => Enumerable.Range(0, k).Select(j => Math.Round(x.Priors.Priors.Theta(i, j), 4))),
                pi = x.Priors.Priors.Pi.Select(p => Math.Round(p, 4)),
                conditionNumber = Math.Round(x.Priors.Priors.ConditionNumber, 3),
                flips = x.Flips,
                newlyLabeled = x.NewlyLabeled,
                sampleAgreement = x.SampleAgreement,
                estimatedAccuracy = x.Assessment.Accuracy.Value,
                gain = x.Assessment.Gain,
                eligible = x.Assessment.Eligible,
                confidentFlipsGain = x.ConfidentFlipsAssessment.Gain,
                confidentFlipsEligible = x.ConfidentFlipsAssessment.Eligible,
                seconds = Math.Round(x.Seconds, 3),
            }),
            chosenRound = r.ChosenRound,
            confidentFlipsOnly = r.ConfidentFlipsOnly,
            selectionDetail = r.SelectionDetail,
            estimatedAccuracy = new { value = r.EstimatedAccuracy.Value, lower = r.EstimatedAccuracy.Interval.Lower, upper = r.EstimatedAccuracy.Interval.Upper },
            initialEstimatedAccuracy = new { value = r.InitialEstimatedAccuracy.Value, lower = r.InitialEstimatedAccuracy.Interval.Lower, upper = r.InitialEstimatedAccuracy.Interval.Upper },
            stopReason = r.StopReason.ToString(),
            stopDetail = r.StopDetail,
            changed = r.ChangedCount,
            goldColumn = s.GoldColumn,
            goldItems = gold is null ? (int?)null : outside.Length,
            initialAccuracy = Accuracy(initial),
            finalAccuracy = Accuracy(r.Labels),
            seconds = Math.Round(watch.Elapsed.TotalSeconds, 3),
        };
        string Name(int c) => c < 0 ? string.Empty : classes[c];
        if (s.Output is not null)
        {
            AtomicFile.WriteText(s.Output, w =>
            {
                using var csv = CsvWriter.Create(w, options: null, leaveOpen: true);
                csv.WriteRecord(new[] { "id", "initial", "refined", "confidence", "changed", "labeled" }.Concat(classes.Select(c => "p_" + c)).ToArray());
                foreach (var d in r.Decisions)
                {
                    csv.WriteRecord(new[] { ids[d.Index], Name(d.Initial), Name(d.Refined), d.Confidence.ToString("0.####", Inv), d.Changed ? "1" : "0", d.InLabeledSample ? "1" : "0" }
                        .Concat(r.Probabilities[d.Index].Select(p => p.ToString("0.####", Inv))).ToArray());
                }
                csv.Flush();
            });
        }
        if (s.Report is not null)
        {
            AtomicFile.Write(s.Report, stream => JsonSerializer.Serialize(stream, report, RefineReport.JsonOptions));
        }
        if (s.Review is not null)
        {
            AtomicFile.WriteText(s.Review, w =>
            {
                using var csv = CsvWriter.Create(w, options: null, leaveOpen: true);
                csv.WriteRecord(["id", "text", "initial", "refined", "confidence"]);
                foreach (var d in r.ReviewList.Take(s.ReviewCount))
                {
                    csv.WriteRecord([ids[d.Index], texts[d.Index], Name(d.Initial), Name(d.Refined), d.Confidence.ToString("0.####", Inv)]);
                }
                csv.Flush();
            });
        }

        var rounds = new Table().Border(TableBorder.Rounded).Title(Markup.Escape($"Rounds ({k} classes: {string.Join(", ", classes)})"));
        foreach (var column in new[] { "round", "Theta condition", "flips", "sample agreement", "estimated gain" })
        {
            rounds.AddColumn(column);
        }
        foreach (var x in r.Rounds)
        {
            rounds.AddRow(x.Round == r.ChosenRound ? $"[bold]{x.Round} *[/]" : x.Round.ToString(Inv), x.Priors.Priors.ConditionNumber.ToString("0.0", Inv),
                x.Flips.ToString(Inv), x.SampleAgreement.ToString("0.00", Inv), Markup.Escape(x.Assessment.Gain.ToString("+0.000;-0.000", Inv) + " " + x.Assessment.GainInterval));
        }
        console.Write(rounds);
        console.MarkupLine(Markup.Escape($"Returned {(r.ChosenRound == 0 ? "the initial labels" : $"round {r.ChosenRound}{(r.ConfidentFlipsOnly ? " (confident flips only)" : "")}")}. {r.SelectionDetail} {r.StopDetail}"));
        console.MarkupLine(Markup.Escape(string.Create(Inv,
            $"Estimated accuracy outside the labeled sample: returned labels {r.EstimatedAccuracy}, initial labels {r.InitialEstimatedAccuracy}. {r.ChangedCount} of {table.Count} labels changed; labeled sample {sample.Count}.")));
        if (report.initialAccuracy is double ia && report.finalAccuracy is double fa)
        {
            console.MarkupLine(Markup.Escape(string.Create(Inv, $"Against gold ({outside.Length} items outside the labeled sample): initial accuracy {ia:0.000}, refined accuracy {fa:0.000}.")));
        }
        foreach (var (path, what) in new[] { (s.Output, "labels"), (s.Report, "report"), (s.Review, "review list") })
        {
            if (path is not null)
            {
                console.MarkupLine(Markup.Escape($"Wrote {what} to {path}"));
            }
        }
        return ExitCodes.Success;
    }

    /// <summary>Reads a column of class names; empty = -1 (abstained, or no gold label).</summary>
    private static int[] ReadClasses(CsvTable table, int column, string columnName, string[] ids, string[] classes)
    {
        var result = new int[table.Count];
        for (int row = 0; row < table.Count; row++)
        {
            result[row] = ClassOf(table.Rows[row][column], classes, () => string.Create(Inv,
                $"column '{columnName}' of '{table.Path}', data row {row + 1} (id '{ids[row]}')"), allowEmpty: true);
        }
        return result;
    }

    private static int ClassOf(string value, string[] classes, Func<string> where, bool allowEmpty)
    {
        string v = value.Trim();
        if (v.Length == 0 && allowEmpty)
        {
            return -1;
        }
        int c = Array.FindIndex(classes, name => string.Equals(name, v, StringComparison.OrdinalIgnoreCase));
        return c >= 0 ? c : throw new CliException($"Unknown class '{value}' in {where()}: the classes are {string.Join(", ", classes)} (name them with --classes){(allowEmpty ? ", or leave the cell empty" : string.Empty)}.");
    }

    private static MultiClassLabeledSample Draw(int?[] gold, int size, int seed, string goldColumn, int k)
    {
        var withGold = Enumerable.Range(0, gold.Length).Where(i => gold[i] is not null).ToArray();
        if (size > withGold.Length)
        {
            throw new CliException($"--labeled {size} asks for more labeled items than the {withGold.Length} rows with a gold label in column '{goldColumn}'.");
        }
        var drawn = MultiClassLabeledSample.DrawUniform(withGold.Select(i => gold[i]!.Value).ToArray(), k, size, seed);
        return new MultiClassLabeledSample(drawn.Indices.Select(i => withGold[i]).ToArray(), drawn.Labels, k);
    }

    private static MultiClassLabeledSample ReadLabeledFile(RefineSettings s, string[] ids, string[] classes)
    {
        var file = CsvTable.Read(s.LabeledFile!, "Labeled file", s.LossyUtf8);
        int idColumn = file.Column(s.IdColumn ?? "id", "--id-column, in the labeled file");
        int labelColumn = file.Column(s.LabeledColumn, "--labeled-column");
        var rowOf = RefineRunner.RowsById(ids);
        var indices = new List<int>();
        var labels = new List<int>();
        for (int row = 0; row < file.Count; row++)
        {
            string id = file.Rows[row][idColumn];
            if (!rowOf.TryGetValue(id, out int index))
            {
                throw new CliException($"Labeled file '{s.LabeledFile}', data row {row + 1}: id '{id}' is not in the input.");
            }
            if (indices.Contains(index))
            {
                throw new CliException($"Labeled file '{s.LabeledFile}', data row {row + 1}: id '{id}' is labeled twice.");
            }
            indices.Add(index);
            labels.Add(ClassOf(file.Rows[row][labelColumn], classes, () => $"labeled file '{s.LabeledFile}', data row {row + 1} (id '{id}')", allowEmpty: false));
        }
        if (indices.Count == 0)
        {
            throw new CliException($"Labeled file '{s.LabeledFile}' has no labeled rows; label about 50 items drawn at random.");
        }
        return new MultiClassLabeledSample(indices, labels, classes.Length);
    }
}
