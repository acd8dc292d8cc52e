using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;
using Spectre.Console;

namespace UuLearning.Cli;

/// <summary>
/// The <c>uulearning</c> command line, runnable in-process: parses <c>args</c>, writes the terminal display to
/// <c>output</c> and errors (one line each) to <c>error</c>, and returns the exit code (see <see cref="ExitCodes"/>).
/// </summary>
internal sealed class CliApp
{
    private readonly TextWriter _output;
    private readonly TextWriter _error;
    private readonly Func<string, string?> _environment;
    private readonly bool _interactive;
    private readonly TimeProvider _time;

    /// <param name="output">The terminal display (progress, tables, help).</param>
    /// <param name="error">Error lines.</param>
    /// <param name="environment">Reads environment variables (tests pass their own). Default: the process's.</param>
    /// <param name="interactive">Whether <paramref name="output"/> is a terminal (live progress and colours).</param>
    /// <param name="timeProvider">The clock of the progress lines on a redirected output. Default: the system's.</param>
    public CliApp(TextWriter output, TextWriter error, Func<string, string?>? environment = null, bool interactive = false,
        TimeProvider? timeProvider = null)
    {
        _output = output;
        _error = error;
        _environment = environment ?? Environment.GetEnvironmentVariable;
        _interactive = interactive;
        _time = timeProvider ?? TimeProvider.System;
    }

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken = default)
    {
        var root = BuildCommands();
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            var command = parse.CommandResult.Command;
            string path = command == root ? "uulearning" : $"uulearning {command.Name}";
            string message = string.Join(' ', parse.Errors[0].Message.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries).Select(p => p.Trim()));
            await _error.WriteLineAsync($"error: {message} (see '{path} --help')").ConfigureAwait(false);
            return ExitCodes.UsageError;
        }
        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration
            {
                Output = _output,
                Error = _error,
                EnableDefaultExceptionHandler = false,
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (CliException ex)
        {
            await _error.WriteLineAsync("error: " + ex.Message).ConfigureAwait(false);
            return ex.ExitCode;
        }
        catch (OperationCanceledException)
        {
            await _error.WriteLineAsync("error: cancelled.").ConfigureAwait(false);
            return ExitCodes.Cancelled;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            await _error.WriteLineAsync("error: " + OneLine(ex.Message)).ConfigureAwait(false);
            return ExitCodes.DataError;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            await _error.WriteLineAsync($"error: unexpected {ex.GetType().Name}: {OneLine(ex.Message)}").ConfigureAwait(false);
            return ExitCodes.InternalError;
        }
    }

    private IAnsiConsole CreateConsole()
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(_output),
            Ansi = _interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = _interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = _interactive ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!_interactive)
        {
            // Redirected output (a file, a pipe, a test): no terminal width to respect, so do not wrap sentences.
            console.Profile.Width = 200;
        }
        return console;
    }

    private static Option<bool> LossyUtf8Option() => new("--lossy-utf8")
    {
        Description = "Read bytes that are not valid UTF-8 as U+FFFD (with a warning) instead of stopping with the row and byte offset of the first.",
    };

    private Command BuildCommands()
    {
        // A plain command named after the tool (a RootCommand would take the assembly's name, UuLearning.Cli, in help).
        var root = new Command("uulearning",
            "uulearning: turn noisy (LLM) labels into better ones with iterated robust unlabeled-unlabeled learning and a few gold labels.")
        {
            new HelpOption(),
            new VersionOption(),
        };
        root.Subcommands.Add(BuildRefine());
        root.Subcommands.Add(BuildAnnotate());
        return root;
    }

    private Command BuildRefine()
    {
        var input = new Option<string>("--input", "-i") { Description = "The CSV to refine (with a header row).", Required = true };
        var text = new Option<string>("--text-column") { Description = "The column holding the texts.", DefaultValueFactory = _ => "text" };
        var label = new Option<string>("--label-column") { Description = "The column holding the noisy labels: 1/0, true/false, yes/no or --positive/--negative names; empty = abstained.", Required = true };
        var id = new Option<string?>("--id-column") { Description = "The id column. Default: 'id' if present, else the 1-based row number." };
        var gold = new Option<string?>("--gold-column") { Description = "A gold label column: the source of --labeled N and of the reported accuracy and F1 (used for nothing else)." };
        var labeled = new Option<int?>("--labeled") { Description = "Evaluation mode: draw N labeled items at random (with --seed) from --gold-column." };
        var labeledFile = new Option<string?>("--labeled-file") { Description = "A CSV of id and gold label for the items you labeled (drawn at random from the input)." };
        var labeledColumn = new Option<string>("--labeled-column") { Description = "The gold label column of --labeled-file.", DefaultValueFactory = _ => "gold" };
        var positive = new Option<string?>("--positive") { Description = "The positive class name used in the label columns (besides 1/true/yes)." };
        var negative = new Option<string?>("--negative") { Description = "The negative class name used in the label columns (besides 0/false/no)." };
        var classes = new Option<string?>("--classes") { Description = "K-class refinement: the class names, comma-separated (for example left,center,right). Without it, a label column holding three or more class names (none of them 1/0, yes/no...) is read as K-class, the classes sorted by name." };
        var features = new Option<string>("--features") { Description = "Text representation: hashing (word and character n-grams, fast, default) or minilm (all-MiniLM-L6-v2 sentence embeddings, offline, cached on disk).", DefaultValueFactory = _ => FeatureFactory.Hashing };
        FlagRules.OneOf(features, FeatureFactory.Names);
        var rounds = new Option<int>("--rounds") { Description = "The most refinement rounds.", DefaultValueFactory = _ => 5 };
        var seed = new Option<int>("--seed") { Description = "Seed for the labeled draw and the training.", DefaultValueFactory = _ => 0 };
        var loss = new Option<string>("--loss") { Description = "Training objective: robust-uu (default), uu, or pn (trust the noisy labels; ablation).", DefaultValueFactory = _ => "robust-uu" };
        FlagRules.OneOf(loss, "robust-uu", "uu", "pn");
        var priors = new Option<string>("--priors") { Description = "Class-prior estimates: few-label (from the labeled sample, default) or oracle (RESEARCH SETTING: computed from the whole gold column; no real user has it).", DefaultValueFactory = _ => "few-label" };
        FlagRules.OneOf(priors, "few-label", "oracle");
        var select = new Option<string>("--select") { Description = "Which labels to return: do-no-harm (the initial labels unless a refined round is clearly better, judged on every item through calibrated posteriors and checked against the labeled sample; default) or last (the last round, the paper's).", DefaultValueFactory = _ => "do-no-harm" };
        FlagRules.OneOf(select, "do-no-harm", "last");
        var relabel = new Option<string>("--relabel") { Description = "How each round turns scores into labels: posterior (P(y | score, initial label) calibrated on the labeled sample, default) or sign (the paper's sign(g(x))).", DefaultValueFactory = _ => "posterior" };
        FlagRules.OneOf(relabel, "posterior", "sign");
        var folds = new Option<int>("--folds") { Description = "Cross-fitting folds: each item is scored by a scorer that never saw its label (1 = in-sample, one training per round).", DefaultValueFactory = _ => 5 };
        var review = new Option<string?>("--review") { Description = "Write the items most likely mislabeled in the returned labels (id,text,initial,refined,posterior), least certain first." };
        var reviewCount = new Option<int>("--review-count") { Description = "How many items --review lists.", DefaultValueFactory = _ => 100 };
        var output = new Option<string?>("--output", "-o") { Description = "Write id,initial,refined,posterior,score,changed,labeled per input row, in input order (labeled = 1 for the labeled sample, whose refined label is its gold label)." };
        var report = new Option<string?>("--report") { Description = "Write a JSON report (priors, per-round figures, chosen round, accuracy and F1 with gold)." };
        var chart = new Option<string?>("--chart") { Description = "Write a PNG of accuracy (with gold) and sample agreement per round." };
        var cacheDir = new Option<string?>("--cache-dir") { Description = "Embedding cache folder for minilm. Default: $XDG_CACHE_HOME/uulearning/embeddings or ~/.cache/uulearning/embeddings." };
        var noCache = new Option<bool>("--no-cache") { Description = "Do not cache embeddings on disk." };
        var miniLmThreads = new Option<int?>("--minilm-threads") { Description = "Threads for minilm embedding (model calls side by side, one per thread; a single call uses them as ONNX Runtime intra-op threads; they sleep rather than spin when idle). Default: the processors this process may use." };
        var epochs = new Option<int?>("--epochs") { Description = "Advanced: training epochs per round (library default 30)." };
        var learningRate = new Option<double?>("--learning-rate") { Description = "Advanced: learning rate (library default 0.01)." };
        var batchSize = new Option<int?>("--batch-size") { Description = "Advanced: mini-batch size (library default 64)." };
        var scorer = new Option<string>("--scorer") { Description = "Advanced: scorer, linear (default) or mlp (one hidden layer of 128).", DefaultValueFactory = _ => "linear" };
        FlagRules.OneOf(scorer, "linear", "mlp");
        // The library's ranges (IterativeRefinerOptions, UuTrainerOptions), checked here to name the flag.
        FlagRules.Range(labeled, 1, int.MaxValue);
        FlagRules.Range(rounds, 1, 100);
        FlagRules.Range(folds, 1, 20);
        FlagRules.Range(reviewCount, 1, int.MaxValue);
        FlagRules.Range(seed, int.MinValue, int.MaxValue);
        FlagRules.Range(epochs, 1, 10_000);
        FlagRules.Range(batchSize, 2, 1_000_000);
        FlagRules.Range(miniLmThreads, 1, 1024); // MiniLmEmbeddingGeneratorOptions.IntraOpThreads' range (0 = default: omit the flag)
        FlagRules.PositiveUpTo(learningRate, 10);
        var lossyUtf8 = LossyUtf8Option();

        var command = new Command("refine", "Refine the noisy labels of a CSV with a few gold labels; evaluate against a gold column if given.")
        {
            input, text, label, id, gold, labeled, labeledFile, labeledColumn, positive, negative, classes, features, rounds, seed, loss, priors,
            select, relabel, folds, review, reviewCount, output, report, chart, cacheDir, noCache, miniLmThreads, epochs, learningRate, batchSize, scorer, lossyUtf8,
        };
        FlagRules.DifferentClassNames(command, positive, negative);
        command.SetAction((parse, ct) =>
        {
            var settings = new RefineSettings
            {
                Input = parse.GetRequiredValue(input),
                TextColumn = parse.GetRequiredValue(text),
                LabelColumn = parse.GetRequiredValue(label),
                IdColumn = parse.GetValue(id),
                GoldColumn = parse.GetValue(gold),
                Labeled = parse.GetValue(labeled),
                LabeledFile = parse.GetValue(labeledFile),
                LabeledColumn = parse.GetRequiredValue(labeledColumn),
                Positive = parse.GetValue(positive),
                Negative = parse.GetValue(negative),
                Classes = parse.GetValue(classes),
                Features = parse.GetRequiredValue(features),
                Rounds = parse.GetValue(rounds),
                Seed = parse.GetValue(seed),
                Loss = parse.GetRequiredValue(loss),
                Priors = parse.GetRequiredValue(priors),
                Select = parse.GetRequiredValue(select),
                Relabel = parse.GetRequiredValue(relabel),
                Folds = parse.GetValue(folds),
                Review = parse.GetValue(review),
                ReviewCount = parse.GetValue(reviewCount),
                Output = parse.GetValue(output),
                Report = parse.GetValue(report),
                Chart = parse.GetValue(chart),
                CacheDirectory = parse.GetValue(noCache) ? null : parse.GetValue(cacheDir) ?? FeatureFactory.DefaultCacheDirectory(_environment),
                MiniLmThreads = parse.GetValue(miniLmThreads),
                Epochs = parse.GetValue(epochs),
                LearningRate = parse.GetValue(learningRate),
                BatchSize = parse.GetValue(batchSize),
                Scorer = parse.GetRequiredValue(scorer),
                LossyUtf8 = parse.GetValue(lossyUtf8),
            };
            var console = CreateConsole();
            return new RefineRunner(console, new ProgressDisplay(console, _interactive, _time)).RunAsync(settings, ct);
        });
        return command;
    }

    private Command BuildAnnotate()
    {
        var input = new Option<string>("--input", "-i") { Description = "The CSV whose texts to label (with a header row).", Required = true };
        var text = new Option<string>("--text-column") { Description = "The column holding the texts.", DefaultValueFactory = _ => "text" };
        var id = new Option<string?>("--id-column") { Description = "The id column (ids key the annotation store). Default: 'id' if present, else the 1-based row number." };
        var label = new Option<string>("--label-column") { Description = "The label column to write (1, 0, or empty when the model abstained or failed).", DefaultValueFactory = _ => "llm_label" };
        var output = new Option<string?>("--output", "-o") { Description = "The CSV to write: the input with the label column. Default: <input>.labeled.csv." };
        var store = new Option<string?>("--store") { Description = "The JSONL file keeping every answer, which makes runs resumable. Default: <output>.annotations.jsonl." };
        var instruction = new Option<string>("--instruction") { Description = "The task for the model, e.g. \"Is this comment spam?\".", Required = true };
        var positive = new Option<string>("--positive") { Description = "The positive class name the model answers with.", DefaultValueFactory = _ => "positive" };
        var negative = new Option<string>("--negative") { Description = "The negative class name the model answers with.", DefaultValueFactory = _ => "negative" };
        var annotateClasses = new Option<string?>("--classes") { Description = "K classes: the class names, comma-separated (for example left,center,right); the label column gets the class name (empty when the model abstained or failed). Replaces --positive/--negative." };
        var endpoint = new Option<string?>("--endpoint") { Description = "OpenAI-compatible base URL (e.g. http://localhost:11434/v1 for Ollama). Default: $UULEARNING_ENDPOINT, $OPENAI_BASE_URL, else api.openai.com." };
        var model = new Option<string?>("--model") { Description = "The model name. Default: $UULEARNING_MODEL." };
        var apiKey = new Option<string?>("--api-key") { Description = "The API key. Default: $UULEARNING_API_KEY, $OPENAI_API_KEY (local servers need none)." };
        var concurrency = new Option<int>("--concurrency") { Description = "Requests in flight at once.", DefaultValueFactory = _ => 4 };
        var plain = new Option<bool>("--no-structured-output") { Description = "Do not ask for a JSON schema answer (for servers that do not support response_format)." };
        var maxRetries = new Option<int>("--max-retries") { Description = "Retries per text after 429, 5xx, a timeout or a malformed answer (the only retry layer).", DefaultValueFactory = _ => 5 };
        var timeout = new Option<double>("--timeout") { Description = "Seconds one request may take before it is abandoned and retried (the provider may still bill it).", DefaultValueFactory = _ => 100 };
        var priceInput = new Option<decimal?>("--price-input-per-million") { Description = "Price of one million input tokens; with it the summary prints the cost." };
        var priceOutput = new Option<decimal?>("--price-output-per-million") { Description = "Price of one million output tokens; with it the summary prints the cost." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Label only a few texts (--dry-run-items, spread over the file), estimate tokens and cost for the whole file, write no output." };
        var dryRunItems = new Option<int>("--dry-run-items") { Description = "How many texts --dry-run labels.", DefaultValueFactory = _ => 5 };

        var command = new Command("annotate", "Label the texts of a CSV with an LLM through an OpenAI-compatible endpoint (OpenAI, Ollama, vLLM); resumable.")
        {
            input, text, id, label, output, store, instruction, positive, negative, annotateClasses, endpoint, model, apiKey, concurrency, plain,
            maxRetries, timeout, priceInput, priceOutput, dryRun, dryRunItems,
        };
        var lossyUtf8 = LossyUtf8Option();
        command.Options.Add(lossyUtf8);
        // Checked while parsing, to name the flag (the library's messages name its options).
        FlagRules.Range(concurrency, 1, 1024); // ChatClientPseudoLabelerOptions.MaxConcurrency's range
        FlagRules.NotBlank(instruction, "say what the model must decide, for example \"Is this comment spam?\".");
        FlagRules.NotBlank(positive, "give the class name the model answers with for the positive class.");
        FlagRules.NotBlank(negative, "give the class name the model answers with for the negative class.");
        FlagRules.DifferentClassNames(command, positive, negative);
        command.SetAction((parse, ct) =>
        {
            string inputPath = parse.GetRequiredValue(input);
            string outputPath = parse.GetValue(output) ?? Path.ChangeExtension(inputPath, null) + ".labeled.csv";
            string? modelName = parse.GetValue(model) ?? NonEmpty(_environment("UULEARNING_MODEL"));
            if (modelName is null)
            {
                throw new CliException("No model: pass --model or set UULEARNING_MODEL.", ExitCodes.UsageError);
            }
            if (parse.GetValue(annotateClasses) is not null
                && (parse.GetResult(positive) is { Implicit: false } || parse.GetResult(negative) is { Implicit: false }))
            {
                throw new CliException("--classes names every class; do not combine it with --positive/--negative.", ExitCodes.UsageError);
            }
            var settings = new AnnotateSettings
            {
                Input = inputPath,
                LossyUtf8 = parse.GetValue(lossyUtf8),
                TextColumn = parse.GetRequiredValue(text),
                IdColumn = parse.GetValue(id),
                LabelColumn = parse.GetRequiredValue(label),
                Output = outputPath,
                Store = parse.GetValue(store) ?? outputPath + ".annotations.jsonl",
                Instruction = parse.GetRequiredValue(instruction),
                Positive = parse.GetRequiredValue(positive),
                Negative = parse.GetRequiredValue(negative),
                Classes = parse.GetValue(annotateClasses),
                Endpoint = parse.GetValue(endpoint) ?? NonEmpty(_environment("UULEARNING_ENDPOINT")) ?? NonEmpty(_environment("OPENAI_BASE_URL")),
                Model = modelName,
                ApiKey = parse.GetValue(apiKey) ?? NonEmpty(_environment("UULEARNING_API_KEY")) ?? NonEmpty(_environment("OPENAI_API_KEY")),
                Concurrency = parse.GetValue(concurrency),
                StructuredOutput = !parse.GetValue(plain),
                MaxRetries = parse.GetValue(maxRetries),
                TimeoutSeconds = parse.GetValue(timeout),
                PriceInputPerMillion = parse.GetValue(priceInput),
                PriceOutputPerMillion = parse.GetValue(priceOutput),
                DryRun = parse.GetValue(dryRun),
                DryRunItems = parse.GetValue(dryRunItems),
            };
            CheckAnnotateNumbers(settings);
            var console = CreateConsole();
            return new AnnotateRunner(console, _error, new ProgressDisplay(console, _interactive, _time, showRemainingTime: true)).RunAsync(settings, ct);
        });
        return command;
    }

    private static void CheckAnnotateNumbers(AnnotateSettings s)
    {
        if (s.MaxRetries is < 0 or > 100)
        {
            throw new CliException($"--max-retries must be between 0 and 100 (got {s.MaxRetries}).", ExitCodes.UsageError);
        }
        if (!(s.TimeoutSeconds is >= 0.01 and <= 86_400))
        {
            throw new CliException($"--timeout must be between 0.01 and 86400 seconds (got {s.TimeoutSeconds}).", ExitCodes.UsageError);
        }
        if (s.PriceInputPerMillion < 0 || s.PriceOutputPerMillion < 0)
        {
            throw new CliException("--price-input-per-million and --price-output-per-million must not be negative.", ExitCodes.UsageError);
        }
        if (s.DryRunItems < 1)
        {
            throw new CliException($"--dry-run-items must be at least 1 (got {s.DryRunItems}).", ExitCodes.UsageError);
        }
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    /// <summary>A message on one line: line breaks and runs of white space become one space; nothing is cut.</summary>
    private static string OneLine(string message) =>
        string.Join(' ', message.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
