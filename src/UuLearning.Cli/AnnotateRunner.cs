using System.ClientModel;
using System.ClientModel.Primitives;
using System.Globalization;
using CsvHelper;
using Microsoft.Extensions.AI;
using OpenAI;
using Spectre.Console;

namespace UuLearning.Cli;

/// <summary>Runs <c>uulearning annotate</c>: labels each text with a chat model through the library's
/// <see cref="ChatClientPseudoLabeler"/> (or <see cref="ChatClientClassLabeler"/> with <c>--classes</c>), keeping every answer in a JSONL store so a second run continues where the
/// first stopped, and writes the input with the label column added (or replaced).</summary>
internal sealed class AnnotateRunner(IAnsiConsole console, TextWriter error, ProgressDisplay display)
{
    public async Task<int> RunAsync(AnnotateSettings s, CancellationToken cancellationToken)
    {
        AtomicFile.EnsureWritable(s.Output, "--output");
        AtomicFile.EnsureWritable(s.Store, "--store");
        OutputGuard.EnsureSeparate([("--input", s.Input)], [("--output", s.Output), ("--store", s.Store)]);
        var table = CsvTable.Read(s.Input, lossyUtf8: s.LossyUtf8);
        if (table.LossyUtf8Note is not null)
        {
            console.MarkupLine("[yellow]" + Markup.Escape("warning: " + table.LossyUtf8Note) + "[/]");
        }
        int textColumn = table.Column(s.TextColumn, "--text-column");
        string[] ids;
        if (s.IdColumn is null && !table.HasColumn("id"))
        {
            ids = Enumerable.Range(1, table.Count).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();
        }
        else
        {
            int c = table.Column(s.IdColumn ?? "id", "--id-column");
            ids = table.Rows.Select(r => r[c]).ToArray();
            var seen = new Dictionary<string, int>(StringComparer.Ordinal);
            for (int i = 0; i < ids.Length; i++)
            {
                if (!seen.TryAdd(ids[i], i))
                {
                    throw new CliException($"Id '{ids[i]}' appears more than once in the input (data rows {seen[ids[i]] + 1} and {i + 1}); the annotation store needs unique ids.");
                }
            }
        }

        Uri? endpoint = null;
        if (s.Endpoint is not null && !(Uri.TryCreate(s.Endpoint, UriKind.Absolute, out endpoint) && (endpoint.Scheme == Uri.UriSchemeHttp || endpoint.Scheme == Uri.UriSchemeHttps)))
        {
            throw new CliException($"--endpoint '{s.Endpoint}' is not an absolute http or https URL (for example http://localhost:11434/v1); it comes from --endpoint, $UULEARNING_ENDPOINT or $OPENAI_BASE_URL.", ExitCodes.UsageError);
        }
        // Exactly one retry layer: the labeler's (Polly: backoff, Retry-After, timeouts, counted by cause). The OpenAI
        // client's own retries are off, so that each of the labeler's attempts is one HTTP request.
        var clientOptions = new OpenAIClientOptions
        {
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            NetworkTimeout = TimeSpan.FromSeconds(s.TimeoutSeconds) + TimeSpan.FromSeconds(5), // the labeler's timeout fires first
        };
        if (endpoint is not null)
        {
            clientOptions.Endpoint = endpoint;
        }
        var counter = new RequestCountingPolicy();
        clientOptions.AddPolicy(counter, PipelinePosition.BeforeTransport);
        // Local servers (Ollama, vLLM) accept any key; the OpenAI client needs a non-empty one.
        using var chatClient = new OpenAI.Chat.ChatClient(s.Model, new ApiKeyCredential(string.IsNullOrEmpty(s.ApiKey) ? "unused" : s.ApiKey), clientOptions)
            .AsIChatClient();
        using var store = new JsonlAnnotationStore(s.Store);
        Func<IReadOnlyList<LabelingItem>, IProgress<LabelingProgress>, CancellationToken, Task<Answer[]>> label;
        string[]? classNames = null;
        try
        {
            if (s.Classes is { } given)
            {
                var classOptions = new ChatClientClassLabelerOptions
                {
                    Instruction = s.Instruction,
                    MaxConcurrency = s.Concurrency,
                    UseStructuredOutput = s.StructuredOutput,
                    MaxRetryAttempts = s.MaxRetries,
                    AttemptTimeout = TimeSpan.FromSeconds(s.TimeoutSeconds),
                    Store = store,
                };
                foreach (string name in given.Split(',', StringSplitOptions.TrimEntries))
                {
                    classOptions.ClassNames.Add(name);
                }
                var classLabeler = new ChatClientClassLabeler(chatClient, classOptions);
                string[] names = [.. classLabeler.ClassNames];
                classNames = names;
                label = async (items, progress, token) => (await classLabeler.LabelAsync(items, progress, token).ConfigureAwait(false))
                    .Select(r => new Answer(r.Id, r.ClassIndex < 0 ? string.Empty : names[r.ClassIndex], r.Outcome, r.Error, r.InputTokens, r.OutputTokens))
                    .ToArray();
            }
            else
            {
                var labeler = new ChatClientPseudoLabeler(chatClient, new ChatClientPseudoLabelerOptions
                {
                    Instruction = s.Instruction,
                    PositiveClassName = s.Positive,
                    NegativeClassName = s.Negative,
                    MaxConcurrency = s.Concurrency,
                    UseStructuredOutput = s.StructuredOutput,
                    MaxRetryAttempts = s.MaxRetries,
                    AttemptTimeout = TimeSpan.FromSeconds(s.TimeoutSeconds),
                    Store = store,
                });
                label = async (items, progress, token) => (await labeler.LabelAsync(items, progress, token).ConfigureAwait(false))
                    .Select(r => new Answer(r.Id, r.Label switch { PseudoLabel.Positive => "1", PseudoLabel.Negative => "0", _ => string.Empty },
                        r.Outcome, r.Error, r.InputTokens, r.OutputTokens))
                    .ToArray();
            }
        }
        catch (ArgumentException ex)
        {
            throw new CliException((s.Classes is null ? "" : "--classes: ") + ex.Message.Split('\n')[0], ExitCodes.UsageError);
        }

        var allItems = ids.Select((id, i) => new LabelingItem(id, table.Rows[i][textColumn])).ToArray();
        var items = s.DryRun ? Spread(allItems, s.DryRunItems) : allItems;
        IReadOnlyList<Answer> results = [];
        LabelingProgress? last = null;
        await display.RunAsync(async addTask =>
            {
                var task = addTask($"Labeling {items.Length} texts with {s.Model}", Math.Max(1, items.Length));
                var progress = new SynchronousProgress<LabelingProgress>(p =>
                {
                    last = p;
                    task.Value = p.Completed;
                });
                try
                {
                    results = await label(items, progress, cancellationToken).ConfigureAwait(false);
                }
                catch (InvalidOperationException ex)
                {
                    throw new CliException($"{FailureText(ex)} {counter.Requests} HTTP requests were sent. Answers received so far are kept in '{s.Store}'; run again to continue.");
                }
                task.Value = task.MaxValue;
                task.StopTask();
            }).ConfigureAwait(false);

        int failed = results.Count(r => r.Outcome == LabelingOutcome.Failed);
        int asked = items.Length - (last?.FromStore ?? 0);
        string[] usage = Usage(s, last, counter.Requests, results);
        if (failed > 0 && failed == asked)
        {
            // Nothing was answered: a wrong endpoint, a dead server, a model that never answers. Say so, with the cause.
            string cause = results.First(r => r.Outcome == LabelingOutcome.Failed).Error ?? "no answer";
            throw new CliException($"Every one of the {failed} texts sent failed, so nothing was labeled and no output was written. {string.Join(' ', usage)} The first error: {cause}");
        }

        if (s.DryRun)
        {
            WriteLines(usage);
            WriteLines(Estimate(s, results, allItems.Length));
            console.MarkupLine(Markup.Escape($"Dry run: {items.Length} texts labeled (answers kept in {s.Store}, so the real run will not pay for them again); no output written."));
            return failed > 0 ? ReportFailures(results, failed, items.Length) : ExitCodes.Success;
        }

        int labelIndex = Array.IndexOf(table.Header.ToArray(), s.LabelColumn);
        AtomicFile.WriteText(s.Output, writer =>
        {
            using var csv = CsvWriter.Create(writer, options: null, leaveOpen: true);
            csv.WriteRecord(labelIndex < 0 ? [.. table.Header, s.LabelColumn] : [.. table.Header]);
            for (int r = 0; r < table.Count; r++)
            {
                string cell = results[r].Cell;
                string[] row = labelIndex < 0 ? [.. table.Rows[r], cell] : [.. table.Rows[r]];
                if (labelIndex >= 0)
                {
                    row[labelIndex] = cell;
                }
                csv.WriteRecord(row);
            }
            csv.Flush();
        });

        string counts;
        int abstained;
        if (classNames is not null)
        {
            counts = string.Join(", ", classNames.Select(c => string.Create(CultureInfo.InvariantCulture, $"{results.Count(r => r.Cell == c)} {c}")));
            abstained = results.Count(r => r.Cell.Length == 0);
        }
        else
        {
            int positive = results.Count(r => r.Cell == "1");
            int negative = results.Count(r => r.Cell == "0");
            counts = string.Create(CultureInfo.InvariantCulture, $"{positive} {s.Positive} (1), {negative} {s.Negative} (0)");
            abstained = items.Length - positive - negative;
        }
        console.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
            $"{items.Length} texts: {counts}, {abstained} abstained (empty), of which {failed} failed; {last?.FromStore ?? 0} taken from the store.")));
        WriteLines(usage);
        console.MarkupLine(Markup.Escape($"Wrote {s.Output} (column '{s.LabelColumn}'); answers kept in {s.Store}."));
        return failed > 0 ? ReportFailures(results, failed, items.Length) : ExitCodes.Success;
    }

    /// <summary>Lists the failed ids on stderr (through the exception-free path: the output was written) and returns the partial-failure code.</summary>
    private int ReportFailures(IReadOnlyList<Answer> results, int failed, int total)
    {
        var ids = results.Where(r => r.Outcome == LabelingOutcome.Failed).Select(r => r.Id);
        string cause = results.First(r => r.Outcome == LabelingOutcome.Failed).Error ?? "no answer";
        error.WriteLine($"error: {failed} of {total} texts failed (no answer after retries; their label is empty): {string.Join(", ", ids)}. The first error: {cause} Run the same command again to retry them; the others are kept in the store.");
        return ExitCodes.PartialFailure;
    }

    /// <summary>What the run cost, in short lines (each fits the console): requests, answers, retries by cause,
    /// timed-out attempts; tokens this run and for all the texts (the store keeps them per answer); cost with prices.</summary>
    private static string[] Usage(AnnotateSettings s, LabelingProgress? p, long requests, IReadOnlyList<Answer> results)
    {
        var r = p?.Retries ?? new LabelingRetries(0, 0, 0, 0, 0);
        long inputThisRun = p?.InputTokens ?? 0;
        long outputThisRun = p?.OutputTokens ?? 0;
        long inputAll = results.Sum(x => x.InputTokens ?? 0);
        long outputAll = results.Sum(x => x.OutputTokens ?? 0);
        var lines = new List<string>
        {
            string.Create(CultureInfo.InvariantCulture,
                $"{requests} HTTP requests, {p?.Answers ?? 0} answers; {p?.TimedOutAttempts ?? 0} timed-out requests the provider may have billed."),
            string.Create(CultureInfo.InvariantCulture,
                $"Retries: {r.RateLimited} after 429, {r.ServerError} after 5xx, {r.Timeout} after a timeout, {r.Malformed} after a malformed answer, {r.Transport} after a dropped connection."),
            string.Create(CultureInfo.InvariantCulture,
                $"Tokens this run: {inputThisRun} input, {outputThisRun} output; for all these texts (store included): {inputAll} input, {outputAll} output."),
        };
        if (Cost(s, inputThisRun, outputThisRun) is decimal runCost && Cost(s, inputAll, outputAll) is decimal allCost)
        {
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"Cost this run: {runCost:0.######}; for all these texts: {allCost:0.######} (at the given prices per million tokens)."));
        }
        return [.. lines];
    }

    private void WriteLines(IEnumerable<string> lines)
    {
        foreach (string line in lines)
        {
            console.MarkupLine(Markup.Escape(line));
        }
    }

    /// <summary>The dry run's estimate for the whole file, from the tokens of the labeled sample.</summary>
    private static string[] Estimate(AnnotateSettings s, IReadOnlyList<Answer> sample, int total)
    {
        var answered = sample.Where(r => r.InputTokens is not null || r.OutputTokens is not null).ToList();
        if (answered.Count == 0)
        {
            return ["Estimate: the endpoint reported no token usage, so tokens and cost cannot be estimated."];
        }
        double input = answered.Average(r => (double)(r.InputTokens ?? 0)) * total;
        double output = answered.Average(r => (double)(r.OutputTokens ?? 0)) * total;
        string line = string.Create(CultureInfo.InvariantCulture,
            $"Estimate for all {total} texts (from {answered.Count} answers, without retries): {input:0} input tokens, {output:0} output tokens.");
        string cost = Cost(s, (long)Math.Round(input), (long)Math.Round(output)) is decimal c
            ? string.Create(CultureInfo.InvariantCulture, $"Estimated cost: {c:0.######} (at the given prices per million tokens).")
            : "Pass --price-input-per-million and --price-output-per-million for a cost.";
        return [line, cost];
    }

    private static decimal? Cost(AnnotateSettings s, long input, long output) =>
        s.PriceInputPerMillion is null && s.PriceOutputPerMillion is null
            ? null
            : ((s.PriceInputPerMillion ?? 0) * input + (s.PriceOutputPerMillion ?? 0) * output) / 1_000_000m;

    /// <summary><paramref name="count"/> items spread evenly over the list (all of them when it is shorter).</summary>
    private static LabelingItem[] Spread(LabelingItem[] items, int count) =>
        count >= items.Length
            ? items
            : Enumerable.Range(0, count).Select(i => items[(int)((long)i * items.Length / count)]).ToArray();

    /// <summary>An exception's message on one line, never cut.</summary>
    private static string FailureText(Exception exception) =>
        string.Join(' ', exception.Message.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    /// <summary>One text's answer as the output needs it: the label cell (1/0 or a class name; empty when abstained or
    /// failed) and the audit fields of either labeler's result.</summary>
    private sealed record Answer(string Id, string Cell, LabelingOutcome Outcome, string? Error, long? InputTokens, long? OutputTokens);
}
