using System.ClientModel;
using System.Globalization;
using CsvHelper;
using Microsoft.Extensions.AI;
using OpenAI;
using Spectre.Console;

namespace UuLearning.Cli;

/// <summary>Runs <c>uulearning annotate</c>: labels each text with a chat model through the library's
/// <see cref="ChatClientPseudoLabeler"/>, keeping every answer in a JSONL store so a second run continues where the
/// first stopped, and writes the input with the label column added (or replaced).</summary>
internal sealed class AnnotateRunner(IAnsiConsole console, ProgressDisplay display)
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
        var clientOptions = new OpenAIClientOptions();
        if (endpoint is not null)
        {
            clientOptions.Endpoint = endpoint;
        }
        // Local servers (Ollama, vLLM) accept any key; the OpenAI client needs a non-empty one.
        using var chatClient = new OpenAI.Chat.ChatClient(s.Model, new ApiKeyCredential(string.IsNullOrEmpty(s.ApiKey) ? "unused" : s.ApiKey), clientOptions)
            .AsIChatClient();
        using var store = new JsonlAnnotationStore(s.Store);
        ChatClientPseudoLabeler labeler;
        try
        {
            labeler = new ChatClientPseudoLabeler(chatClient, new ChatClientPseudoLabelerOptions
            {
                Instruction = s.Instruction,
                PositiveClassName = s.Positive,
                NegativeClassName = s.Negative,
                MaxConcurrency = s.Concurrency,
                UseStructuredOutput = s.StructuredOutput,
                Store = store,
            });
        }
        catch (ArgumentException ex)
        {
            throw new CliException(ex.Message.Split('\n')[0], ExitCodes.UsageError);
        }

        var items = ids.Select((id, i) => new LabelingItem(id, table.Rows[i][textColumn])).ToArray();
        IReadOnlyList<PseudoLabelResult> results = [];
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
                    results = await labeler.LabelAsync(items, progress, cancellationToken).ConfigureAwait(false);
                }
                catch (InvalidOperationException ex)
                {
                    throw new CliException($"{ex.Message.Split('\n')[0]} Answers received so far are kept in '{s.Store}'; run again to continue.");
                }
                task.Value = task.MaxValue;
                task.StopTask();
            }).ConfigureAwait(false);

        int labelIndex = Array.IndexOf(table.Header.ToArray(), s.LabelColumn);
        AtomicFile.WriteText(s.Output, writer =>
        {
            using var csv = CsvWriter.Create(writer, options: null, leaveOpen: true);
            csv.WriteRecord(labelIndex < 0 ? [.. table.Header, s.LabelColumn] : [.. table.Header]);
            for (int r = 0; r < table.Count; r++)
            {
                string label = results[r].Label switch
                {
                    PseudoLabel.Positive => "1",
                    PseudoLabel.Negative => "0",
                    _ => string.Empty,
                };
                string[] row = labelIndex < 0 ? [.. table.Rows[r], label] : [.. table.Rows[r]];
                if (labelIndex >= 0)
                {
                    row[labelIndex] = label;
                }
                csv.WriteRecord(row);
            }
            csv.Flush();
        });

        int positive = results.Count(r => r.Label == PseudoLabel.Positive);
        int negative = results.Count(r => r.Label == PseudoLabel.Negative);
        int failed = results.Count(r => r.Outcome == LabelingOutcome.Failed);
        console.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
            $"{items.Length} texts: {positive} {s.Positive} (1), {negative} {s.Negative} (0), {items.Length - positive - negative} abstained (empty), of which {failed} failed; {last?.FromStore ?? 0} taken from the store, {last?.Calls ?? 0} model calls.")));
        console.MarkupLine(Markup.Escape($"Wrote {s.Output} (column '{s.LabelColumn}'); answers kept in {s.Store}."));
        if (failed > 0)
        {
            console.MarkupLine(Markup.Escape($"{failed} items failed (no answer); run the same command again to retry them."));
        }
        return ExitCodes.Success;
    }
}
