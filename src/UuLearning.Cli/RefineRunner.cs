using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using CsvHelper;
using Spectre.Console;

namespace UuLearning.Cli;

/// <summary>Runs <c>uulearning refine</c>: read, sample, embed, refine, evaluate, write. Every output file is written
/// only at the end, each through a temporary file renamed into place.</summary>
internal sealed class RefineRunner(IAnsiConsole console, ProgressDisplay display)
{
    /// <summary>Fewer labeled items than this in a class make the prior estimates meaningless.</summary>
    public const int MinimumPerClass = 2;

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public async Task<int> RunAsync(RefineSettings s, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        Validate(s);
        AtomicFile.EnsureWritable(s.Output, "--output");
        AtomicFile.EnsureWritable(s.Report, "--report");
        AtomicFile.EnsureWritable(s.Chart, "--chart");
        AtomicFile.EnsureWritable(s.Review, "--review");
        OutputGuard.EnsureSeparate([("--input", s.Input), ("--labeled-file", s.LabeledFile)],
            [("--output", s.Output), ("--report", s.Report), ("--chart", s.Chart), ("--review", s.Review)]);

        var table = CsvTable.Read(s.Input, lossyUtf8: s.LossyUtf8);
        Warn(table);
        if (table.Count == 0)
        {
            throw new CliException($"Input file '{s.Input}' has a header but no data rows.");
        }
        int textColumn = table.Column(s.TextColumn, "--text-column");
        int labelColumn = table.Column(s.LabelColumn, "--label-column");
        int? goldColumn = s.GoldColumn is null ? null : table.Column(s.GoldColumn, "--gold-column");
        string[] ids = ReadIds(table, s.IdColumn);
        if (MultiClassRefineRunner.Classes(s, table, labelColumn) is string[] classes)
        {
            return await new MultiClassRefineRunner(console, display).RunAsync(s, table, classes, textColumn, labelColumn, goldColumn, ids, watch, cancellationToken).ConfigureAwait(false);
        }
        string[] texts = table.Rows.Select(r => r[textColumn]).ToArray();

        var initial = LabelReader.ReadPseudoLabels(table, labelColumn, s.LabelColumn, ids, s.Positive, s.Negative);
        bool?[]? gold = goldColumn is int g ? LabelReader.ReadGold(table, g, s.GoldColumn!, ids, s.Positive, s.Negative) : null;

        var (sample, sampleSource) = s.Labeled is int n
            ? (DrawFromGold(gold!, n, s.Seed, s.GoldColumn!), $"{n} drawn at random (seed {s.Seed}) from gold column '{s.GoldColumn}'")
            : (ReadLabeledFile(s, ids), $"file '{s.LabeledFile}'");
        int samplePositives = sample.Labels.Count(l => l);
        int sampleNegatives = sample.Count - samplePositives;
        if (samplePositives < MinimumPerClass || sampleNegatives < MinimumPerClass)
        {
            string cls = samplePositives < MinimumPerClass ? "positive" : "negative";
            throw new CliException(string.Create(Inv,
                $"Too few labeled items of one class: the labeled sample ({sampleSource}) holds {samplePositives} positive and {sampleNegatives} negative items; at least {MinimumPerClass} {cls} items are needed (about 50 items drawn at random is typical)."));
        }

        IPriorEstimator estimator;
        string? research = null;
        if (s.Priors == "oracle")
        {
            if (gold is null || gold.Any(x => x is null))
            {
                throw new CliException("--priors oracle needs --gold-column with a gold label on every row.");
            }
            estimator = new OraclePriorEstimator(gold.Select(x => x!.Value).ToArray());
            research = "oracle priors: thetaP, thetaN and pi were computed from the whole gold column (research setting; not available to a real user)";
        }
        else
        {
            estimator = new FewLabelPriorEstimator();
        }

        // Fail before the (possibly long) embedding when the sample cannot support UU learning.
        PriorEstimate first;
        try
        {
            first = estimator.Estimate(initial, sample);
        }
        catch (InvalidOperationException ex)
        {
            throw new CliException(ex.Message);
        }
        int positivesInitial = initial.Count(l => l == PseudoLabel.Positive);
        int negativesInitial = initial.Count(l => l == PseudoLabel.Negative);
        if (positivesInitial == 0 || negativesInitial == 0)
        {
            throw new CliException($"The label column '{s.LabelColumn}' holds {positivesInitial} positive and {negativesInitial} negative labels: UU learning needs both classes among the initial labels.");
        }

        var trainer = new UuTrainerOptions
        {
            Objective = s.Loss switch
            {
                "uu" => UuObjective.Uu,
                "pn" => UuObjective.Pn,
                _ => UuObjective.RobustUu,
            },
            Seed = s.Seed,
            Scorer = s.Scorer == "mlp" ? ScorerArchitecture.Mlp([128], 0.1) : ScorerArchitecture.Linear(),
        };
        if (s.Epochs is int epochs)
        {
            trainer.Epochs = epochs;
        }
        if (s.LearningRate is double lr)
        {
            trainer.LearningRate = lr;
        }
        if (s.BatchSize is int batch)
        {
            trainer.BatchSize = batch;
        }
        var refinerOptions = new IterativeRefinerOptions
        {
            MaxRounds = s.Rounds,
            Selection = s.Select == "last" ? RoundSelection.Last : RoundSelection.DoNoHarm,
            Relabeling = s.Relabel == "sign" ? RelabelingRule.Sign : RelabelingRule.Posterior,
            CrossFitFolds = s.Folds,
            Trainer = trainer,
        };
        IterativeRefiner refiner;
        try
        {
            refiner = new IterativeRefiner(estimator, refinerOptions);
        }
        catch (ArgumentOutOfRangeException ex)
        {
            throw new CliException(ex.Message.Split('\n')[0], ExitCodes.UsageError);
        }

        // Gold figures are computed on the items outside the labeled sample only: the sample's items are returned with
        // their gold labels, so counting them would flatter the returned labels.
        bool?[]? evaluationGold = gold?.ToArray();
        if (evaluationGold is not null)
        {
            foreach (int i in sample.Indices)
            {
                evaluationGold[i] = null;
            }
        }

        IReadOnlyList<ReadOnlyMemory<float>> features = [];
        string featureDescription = s.Features;
        var rounds = new List<(RoundReport Report, Metrics? Metrics)>();
        RefinementResult? result = null;
        try
        {
            await display.RunAsync(async addTask =>
                {
                    var embed = addTask($"Embedding {texts.Length} texts ({s.Features})", texts.Length);
                    var progress = new SynchronousProgress<int>(done => embed.Value = done);
                    try
                    {
                        (features, featureDescription) = await FeatureFactory.EmbedAsync(s.Features, texts, s.CacheDirectory, s.MiniLmThreads, progress, cancellationToken).ConfigureAwait(false);
                    }
                    catch (InvalidOperationException ex)
                    {
                        throw new CliException($"Embedding failed: {ex.Message}");
                    }
                    catch (IOException ex)
                    {
                        throw new CliException($"Embedding cache '{s.CacheDirectory}' is not usable: {ex.Message} (use --cache-dir to pick another folder or --no-cache).");
                    }
                    embed.Value = texts.Length;
                    embed.StopTask();

                    var train = addTask($"Refining ({s.Rounds} rounds max)", s.Rounds);
                    try
                    {
                        await foreach (var update in refiner.RefineStreamingAsync(features, initial, sample, cancellationToken).ConfigureAwait(false))
                        {
                            // After an early stop the final update repeats the last round's report: keep one entry per round.
                            if (rounds.Count > 0 && rounds[^1].Report.Round == update.Report.Round)
                            {
                                rounds.RemoveAt(rounds.Count - 1);
                            }
                            rounds.Add((update.Report, evaluationGold is null ? null : Metrics.Of(update.Labels, evaluationGold)));
                            train.Description = $"Refining: round {update.Report.Round} done, {update.Report.Flips} flips";
                            train.Value = update.Report.Round;
                            result = update.Result ?? result;
                        }
                    }
                    catch (InvalidOperationException ex)
                    {
                        throw new CliException(ex.Message);
                    }
                    train.Value = train.MaxValue;
                    train.StopTask();
                }).ConfigureAwait(false);

            if (result is null)
            {
                throw new CliException("The refinement ended without a result.", ExitCodes.InternalError);
            }

            Metrics? initialMetrics = evaluationGold is null ? null : Metrics.Of(initial, evaluationGold);
            Metrics? finalMetrics = evaluationGold is null ? null : Metrics.Of(result.Labels, evaluationGold);
            var report = new RefineReport
            {
                Input = s.Input,
                Items = table.Count,
                Abstained = table.Count - positivesInitial - negativesInitial,
                LabeledSample = new RefineReport.SampleInfo(sample.Count, samplePositives, sampleNegatives, sampleSource),
                Features = featureDescription,
                Loss = s.Loss,
                Priors = s.Priors,
                PriorMethod = first.Method,
                ResearchSetting = research,
                Selection = s.Select,
                Relabeling = s.Relabel,
                Folds = s.Folds,
                Seed = s.Seed,
                Trainer = new RefineReport.TrainerInfo(trainer.Scorer.Name, trainer.Epochs, trainer.LearningRate, trainer.BatchSize),
                Rounds = rounds.Select(r => Entry(r.Report, r.Metrics)).ToArray(),
                InitialSampleAgreement = Enumerable.Range(0, sample.Count)
                    .Count(k => (initial[sample.Indices[k]] == PseudoLabel.Positive) == sample.Labels[k]) / (double)sample.Count,
                ChosenRound = result.ChosenRound,
                ConfidentFlipsOnly = result.ConfidentFlipsOnly,
                SelectionDetail = result.SelectionDetail,
                EstimatedAccuracy = Of(result.EstimatedAccuracy),
                InitialEstimatedAccuracy = Of(result.InitialEstimatedAccuracy),
                StopReason = result.StopReason.ToString(),
                StopDetail = result.StopDetail,
                Changed = result.ChangedCount,
                GoldColumn = s.GoldColumn,
                GoldItems = initialMetrics?.Items,
                Initial = initialMetrics is Metrics im ? new RefineReport.Score(im.Accuracy, im.F1) : null,
                Final = finalMetrics is Metrics fm ? new RefineReport.Score(fm.Accuracy, fm.F1) : null,
                Seconds = Math.Round(watch.Elapsed.TotalSeconds, 3),
            };

            // All computed: now write, each file atomically.
            byte[]? chart = s.Chart is null ? null : RoundsChart.Render(report.Rounds, report.ChosenRound, report.Initial?.Accuracy,
                $"{Path.GetFileName(s.Input)}: {s.LabelColumn}, {s.Features}, {s.Loss}");
            if (s.Output is not null)
            {
                AtomicFile.WriteText(s.Output, w => WriteOutput(w, ids, result));
            }
            if (s.Report is not null)
            {
                AtomicFile.Write(s.Report, stream => JsonSerializer.Serialize(stream, report, RefineReport.JsonOptions));
            }
            if (s.Review is not null)
            {
                AtomicFile.WriteText(s.Review, w => WriteReview(w, ids, texts, result, s.ReviewCount));
            }
            if (chart is not null)
            {
                AtomicFile.Write(s.Chart!, stream => stream.Write(chart));
            }
            PrintSummary(report, s);
            return ExitCodes.Success;
        }
        finally
        {
            result?.Dispose();
        }
    }

    private static void Validate(RefineSettings s)
    {
        if (s.Labeled is null == (s.LabeledFile is null))
        {
            throw new CliException("Give exactly one of --labeled N (with --gold-column: evaluation mode) or --labeled-file sample.csv.", ExitCodes.UsageError);
        }
        // --labeled, --rounds and the trainer flags are range-checked while parsing (FlagRules).
        if (s.Labeled is not null && s.GoldColumn is null)
        {
            throw new CliException("--labeled N draws the labeled sample from the gold column: give --gold-column too, or use --labeled-file.", ExitCodes.UsageError);
        }
    }

    private void Warn(CsvTable table)
    {
        if (table.LossyUtf8Note is not null)
        {
            console.MarkupLine("[yellow]" + Markup.Escape("warning: " + table.LossyUtf8Note) + "[/]");
        }
    }

    private static string[] ReadIds(CsvTable table, string? idColumn)
    {
        if (idColumn is null && !table.HasColumn("id"))
        {
            return Enumerable.Range(1, table.Count).Select(i => i.ToString(Inv)).ToArray();
        }
        int c = table.Column(idColumn ?? "id", "--id-column");
        return table.Rows.Select(r => r[c]).ToArray();
    }

    private static LabeledSample DrawFromGold(bool?[] gold, int size, int seed, string goldColumn)
    {
        var withGold = Enumerable.Range(0, gold.Length).Where(i => gold[i] is not null).ToArray();
        if (size > withGold.Length)
        {
            throw new CliException($"--labeled {size} asks for more labeled items than the {withGold.Length} rows with a gold label in column '{goldColumn}'.");
        }
        var drawn = LabeledSample.DrawUniform(withGold.Select(i => gold[i]!.Value).ToArray(), size, seed);
        return new LabeledSample(drawn.Indices.Select(i => withGold[i]).ToArray(), drawn.Labels, SampleDesign.UniformRandom);
    }

    private LabeledSample ReadLabeledFile(RefineSettings s, string[] ids)
    {
        var file = CsvTable.Read(s.LabeledFile!, "Labeled file", s.LossyUtf8);
        Warn(file);
        string idName = s.IdColumn ?? "id";
        int idColumn = file.Column(idName, "--id-column, in the labeled file");
        int labelColumn = file.Column(s.LabeledColumn, "--labeled-column");
        var rowOf = RowsById(ids);
        var indices = new List<int>();
        var labels = new List<bool>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int r = 0; r < file.Count; r++)
        {
            string id = file.Rows[r][idColumn];
            string value = file.Rows[r][labelColumn];
            if (!PrecomputedPseudoLabeler.TryParseLabel(value, s.Positive, s.Negative, out var label) || label == PseudoLabel.Abstained)
            {
                throw LabelReader.BadValue(file, r, id, value, s.LabeledColumn, s.Positive, s.Negative, allowEmpty: false);
            }
            if (!rowOf.TryGetValue(id, out int index))
            {
                throw new CliException($"Labeled file '{s.LabeledFile}', data row {r + 1}: id '{id}' is not in the input's '{idName}' column.");
            }
            if (!seen.Add(id))
            {
                throw new CliException($"Labeled file '{s.LabeledFile}', data row {r + 1}: id '{id}' is labeled twice.");
            }
            indices.Add(index);
            labels.Add(label == PseudoLabel.Positive);
        }
        if (indices.Count == 0)
        {
            throw new CliException($"Labeled file '{s.LabeledFile}' has no labeled rows; label about 50 items drawn at random.");
        }
        return new LabeledSample(indices, labels, SampleDesign.UniformRandom);
    }

    /// <summary>The data row of every id, failing when an id repeats (a labeled file could not be matched).</summary>
    internal static Dictionary<string, int> RowsById(string[] ids)
    {
        var rowOf = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < ids.Length; i++)
        {
            if (!rowOf.TryAdd(ids[i], i))
            {
                throw new CliException($"Id '{ids[i]}' appears more than once in the input (data rows {rowOf[ids[i]] + 1} and {i + 1}), so the labeled file cannot be matched to it; make the ids unique.");
            }
        }
        return rowOf;
    }

    private static RefineReport.RoundEntry Entry(RoundReport r, Metrics? m) => new(
        r.Round,
        new RefineReport.Interval(r.Priors.Priors.ThetaP, r.Priors.ThetaP.Lower, r.Priors.ThetaP.Upper),
        new RefineReport.Interval(r.Priors.Priors.ThetaN, r.Priors.ThetaN.Lower, r.Priors.ThetaN.Upper),
        new RefineReport.Interval(r.Priors.Priors.Pi, r.Priors.Pi.Lower, r.Priors.Pi.Upper),
        r.Flips,
        r.NewlyLabeled,
        r.PositiveShare,
        new RefineReport.Interval(r.SampleAgreement, r.SampleAgreementInterval.Lower, r.SampleAgreementInterval.Upper),
        Math.Round(r.Seconds, 3),
        Of(r.Assessment.Accuracy),
        new RefineReport.Interval(r.Assessment.Gain, r.Assessment.GainInterval.Lower, r.Assessment.GainInterval.Upper),
        r.Assessment.Eligible,
        m?.Accuracy,
        m?.F1);

    private static RefineReport.Interval Of(AccuracyEstimate e) => new(e.Value, e.Interval.Lower, e.Interval.Upper);

    private static string LabelText(PseudoLabel label) => label switch { PseudoLabel.Positive => "1", PseudoLabel.Negative => "0", _ => string.Empty };

    private static void WriteOutput(TextWriter writer, string[] ids, RefinementResult result)
    {
        using var csv = CsvWriter.Create(writer, options: null, leaveOpen: true);
        csv.WriteRecord(["id", "initial", "refined", "posterior", "score", "changed", "labeled"]);
        foreach (var d in result.Decisions)
        {
            csv.WriteRecord(
            [
                ids[d.Index],
                LabelText(d.Initial),
                LabelText(d.Refined),
                d.Posterior.ToString("0.####", Inv),
                d.Score.ToString("G7", Inv),
                d.Changed ? "1" : "0",
                d.InLabeledSample ? "1" : "0",
            ]);
        }
        csv.Flush();
    }

    private static void WriteReview(TextWriter writer, string[] ids, string[] texts, RefinementResult result, int count)
    {
        using var csv = CsvWriter.Create(writer, options: null, leaveOpen: true);
        csv.WriteRecord(["id", "text", "initial", "refined", "posterior"]);
        foreach (var d in result.ReviewList.Take(count))
        {
            csv.WriteRecord([ids[d.Index], texts[d.Index], LabelText(d.Initial), LabelText(d.Refined), d.Posterior.ToString("0.####", Inv)]);
        }
        csv.Flush();
    }

    private void PrintSummary(RefineReport report, RefineSettings s)
    {
        bool withGold = report.Initial is not null;
        var table = new Table().Border(TableBorder.Rounded).Title("Rounds");
        table.AddColumn("round");
        table.AddColumn("thetaP");
        table.AddColumn("thetaN");
        table.AddColumn("pi");
        table.AddColumn(new TableColumn("flips").RightAligned());
        table.AddColumn("sample agreement");
        if (withGold)
        {
            table.AddColumn(new TableColumn("accuracy").RightAligned());
            table.AddColumn(new TableColumn("F1").RightAligned());
        }
        table.AddColumn(new TableColumn("seconds").RightAligned());
        foreach (var r in report.Rounds)
        {
            var cells = new List<string>
            {
                r.Round == report.ChosenRound ? $"[bold]{r.Round} *[/]" : r.Round.ToString(Inv),
                Markup.Escape(Format(r.ThetaP)),
                Markup.Escape(Format(r.ThetaN)),
                Markup.Escape(Format(r.Pi)),
                r.Flips.ToString(Inv),
                Markup.Escape(Format(r.SampleAgreement)),
            };
            if (withGold)
            {
                cells.Add(r.Accuracy!.Value.ToString("0.000", Inv));
                cells.Add(r.F1!.Value.ToString("0.000", Inv));
            }
            cells.Add(r.Seconds.ToString("0.0", Inv));
            table.AddRow(cells.ToArray());
        }
        console.Write(table);
        console.MarkupLine(Markup.Escape($"Returned {(report.ChosenRound == 0 ? "the initial labels" : $"round {report.ChosenRound}{(report.ConfidentFlipsOnly ? " (confident flips only)" : "")}")} ({report.Selection}). {report.SelectionDetail} {report.StopDetail}"));
        console.MarkupLine(Markup.Escape(string.Create(Inv,
            $"Estimated accuracy outside the labeled sample: returned labels {Format(report.EstimatedAccuracy)}, initial labels {Format(report.InitialEstimatedAccuracy)}.")));
        console.MarkupLine(Markup.Escape(string.Create(Inv, $"{report.Changed} of {report.Items} labels changed; labeled sample {report.LabeledSample.Size} ({report.LabeledSample.Positives} positive, {report.LabeledSample.Negatives} negative).")));
        if (report.ResearchSetting is not null)
        {
            console.MarkupLine("[yellow]" + Markup.Escape("Research setting: " + report.ResearchSetting) + "[/]");
        }
        if (withGold)
        {
            console.MarkupLine(Markup.Escape(string.Create(Inv,
                $"Against gold ({report.GoldItems} items outside the labeled sample): initial accuracy {report.Initial!.Accuracy:0.000} (F1 {report.Initial.F1:0.000}), refined accuracy {report.Final!.Accuracy:0.000} (F1 {report.Final.F1:0.000}).")));
        }
        foreach (var (path, what) in new[] { (s.Output, "labels"), (s.Report, "report"), (s.Chart, "chart"), (s.Review, "review list") })
        {
            if (path is not null)
            {
                console.MarkupLine(Markup.Escape($"Wrote {what} to {path}"));
            }
        }
    }

    private static string Format(RefineReport.Interval i) =>
        string.Create(Inv, $"{i.Value:0.000} [{i.Lower:0.00}, {i.Upper:0.00}]");
}
