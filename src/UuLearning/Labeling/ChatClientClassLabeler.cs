using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;

namespace UuLearning;

/// <summary>
/// Labels items among K named classes by asking a chat model (any <see cref="IChatClient"/>), with bounded concurrency
/// and the retries of <see cref="ChatClientPseudoLabeler"/>.
/// </summary>
/// <remarks>
/// <para>
/// Per item: the prompt is built from <see cref="ChatClientClassLabelerOptions.SystemPromptTemplate"/> and
/// <see cref="ChatClientClassLabelerOptions.UserPromptTemplate"/>. With
/// <see cref="ChatClientClassLabelerOptions.UseStructuredOutput"/> the model is asked for JSON whose <c>label</c> is an
/// enum of the class names and <c>"unsure"</c> (<see cref="ChatResponseFormat.ForJsonSchema(JsonElement, string?, string?)"/>).
/// The answer (JSON, or a bare name) is matched to a class name ignoring case and surrounding spaces; <c>"unsure"</c> or
/// a null label is an abstention (class index -1, <see cref="LabelingOutcome.Abstained"/>).
/// </para>
/// <para>
/// Failures: an answer that is none of the class names is malformed and asked again, like a transient failure (HTTP 408,
/// 429, 5xx, timeouts, dropped connections), with exponential backoff on
/// <see cref="ChatClientClassLabelerOptions.TimeProvider"/>. Once the retries are spent the item is
/// <see cref="LabelingOutcome.Failed"/> (class -1, the error kept). A permanent failure (HTTP 400, 401, 403, 404 ...) or
/// an unreachable endpoint stops the run with an <see cref="InvalidOperationException"/> saying what to fix.
/// </para>
/// <para>Thread safety: <see cref="LabelAsync(IReadOnlyList{LabelingItem}, CancellationToken)"/> may be called concurrently; each call is a separate run. The labeler does not own the chat client or the store.</para>
/// </remarks>
public sealed class ChatClientClassLabeler
{
    private readonly IChatClient _chatClient;
    private readonly ILogger _logger;
    private readonly ResiliencePipeline<ClassLabelResult> _pipeline;
    private readonly string[] _classNames;
    private readonly string _systemPrompt;
    private readonly string _userTemplate;
    private readonly ChatOptions? _chatOptions;
    private readonly ChatResponseFormat? _responseFormat;
    private readonly int _maxConcurrency;
    private readonly IAnnotationStore? _store;
    private readonly TimeProvider _timeProvider;

    /// <summary>Carries the run's counters to the retry and timeout callbacks of the shared pipeline.</summary>
    private static readonly ResiliencePropertyKey<LabelingRun> s_runKey = new("UuLearning.ClassLabelingRun");

    /// <summary>Creates a labeler over <paramref name="chatClient"/>.</summary>
    /// <param name="chatClient">The chat client to ask. Not owned.</param>
    /// <param name="options">The task and settings; validated here and copied.</param>
    /// <param name="logger">Receives retries, failures and a summary per run. Default: none.</param>
    /// <exception cref="ArgumentNullException"><paramref name="chatClient"/> or <paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentException">The instruction is empty, there are fewer than 2 class names, a name is empty,
    /// two names are equal ignoring case, a name is <c>"unsure"</c>, or the user template lacks <c>{text}</c>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A numeric or time option is outside its allowed range (the message names it).</exception>
    public ChatClientClassLabeler(IChatClient chatClient, ChatClientClassLabelerOptions options, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(chatClient);
        ArgumentNullException.ThrowIfNull(options);
        UuLearning.DependencyInjection.ChatClientClassLabelerOptionsValidator.Instance.ThrowIfInvalid(options);

        _chatClient = chatClient;
        _logger = logger ?? NullLogger.Instance;
        _classNames = options.ClassNames.Select(n => n.Trim()).ToArray();
        string classes = string.Join(", ", _classNames.Select(n => $"\"{n}\""));
        _systemPrompt = new StringBuilder(options.SystemPromptTemplate)
            .Replace("{instruction}", options.Instruction.Trim()).Replace("{classes}", classes).ToString();
        _userTemplate = options.UserPromptTemplate;
        _chatOptions = options.ChatOptions?.Clone();
        _responseFormat = options.UseStructuredOutput ? ChatResponseFormat.ForJsonSchema(Schema(_classNames), "class_label",
            "The class chosen for the text, or \"unsure\".") : null;
        _maxConcurrency = options.MaxConcurrency;
        _store = options.Store;
        _timeProvider = options.TimeProvider;
        ModelId = _chatOptions?.ModelId ?? chatClient.GetService<ChatClientMetadata>()?.DefaultModelId ?? string.Empty;
        KeySpace = LabelingKeySpace.Compute(writer =>
        {
            writer.WriteNumber("version", 1);
            writer.WriteString("kind", "classes");
            writer.WriteString("system", _systemPrompt);
            writer.WriteString("user", _userTemplate);
            writer.WriteStartArray("classes");
            foreach (string name in _classNames)
            {
                writer.WriteStringValue(name);
            }
            writer.WriteEndArray();
            writer.WriteString("model", ModelId);
            writer.WriteBoolean("structured", options.UseStructuredOutput);
        }, _chatOptions);
        _pipeline = LabelingPipeline.Build<ClassLabelResult>(
            new LabelingRetrySettings(options.MaxRetryAttempts, options.RetryBaseDelay, options.RetryMaxDelay, options.MaxRetryAfter,
                options.UseJitter, options.AttemptTimeout),
            options.TimeProvider, _logger,
            onRetry: (context, cause) =>
            {
                if (context.Properties.TryGetValue(s_runKey, out var run))
                {
                    run.CountRetry(cause);
                }
            },
            onTimeout: context =>
            {
                if (context.Properties.TryGetValue(s_runKey, out var run))
                {
                    run.CountTimeout();
                }
            });
    }

    /// <summary>The class names, trimmed, in the order of the class indices.</summary>
    public IReadOnlyList<string> ClassNames => _classNames;

    /// <summary>The model id that is part of <see cref="KeySpace"/> (from the chat options, else the client's metadata; empty when unknown).</summary>
    public string ModelId { get; }

    /// <summary>The key space of this labeler's answers in the store: a hash of the rendered prompt, the class names,
    /// the model id, the answer-shaping chat options and the structured-output setting.</summary>
    public string KeySpace { get; }

    /// <summary>Labels a list of items among the classes.</summary>
    /// <inheritdoc cref="ChatClientPseudoLabeler.LabelAsync(IReadOnlyList{LabelingItem}, IProgress{LabelingProgress}, CancellationToken)"/>
    public Task<IReadOnlyList<ClassLabelResult>> LabelAsync(IReadOnlyList<LabelingItem> items, CancellationToken cancellationToken = default) =>
        LabelAsync(items, progress: null, cancellationToken);

    /// <summary>Labels a list of items among the classes, reporting progress after each item.</summary>
    /// <inheritdoc cref="ChatClientPseudoLabeler.LabelAsync(IReadOnlyList{LabelingItem}, IProgress{LabelingProgress}, CancellationToken)"/>
    public async Task<IReadOnlyList<ClassLabelResult>> LabelAsync(
        IReadOnlyList<LabelingItem> items, IProgress<LabelingProgress>? progress, CancellationToken cancellationToken = default)
    {
        LabelingInput.Validate(items);
        var run = new LabelingRun(items.Count, progress, _timeProvider);
        var results = await run.RunAsync(items, _store, KeySpace, _maxConcurrency,
            fromStore: FromStore,
            toStore: ToStore,
            describe: result => (result.Outcome == LabelingOutcome.Failed, result.ClassIndex == ClassLabelResult.Abstained, result.InputTokens, result.OutputTokens),
            labelOne: (item, token) => LabelOneAsync(item, run, token),
            onStart: (stored, pending) => _logger.LogInformation("Labeling {Total} items among {Classes} classes with model '{Model}' (key space {KeySpace}): {Stored} from the store, {Pending} to ask.",
                items.Count, _classNames.Length, ModelId, KeySpace, stored, pending),
            cancellationToken).ConfigureAwait(false);

        var final = run.Snapshot();
        _logger.LogInformation("Labeled {Total} items among {Classes} classes: {Labeled} labeled, {Abstained} abstained, {Failed} failed, {FromStore} from the store; {Calls} calls ({Retries} retries); {InputTokens} input and {OutputTokens} output tokens.",
            final.Total, _classNames.Length, final.Labeled, final.Abstained, final.Failed, final.FromStore, final.Calls, final.Retries.Total,
            final.InputTokens, final.OutputTokens);
        return results;
    }

    /// <summary>An answer as the store keeps it: the binary label field is left abstained (0) and the class is read
    /// again from the raw answer on load (the class names are part of <see cref="KeySpace"/>, so the reading is the same).</summary>
    private static PseudoLabelResult ToStore(ClassLabelResult result) => new(result.Id, PseudoLabel.Abstained)
    {
        Outcome = result.Outcome,
        RawAnswer = result.RawAnswer,
        InputTokens = result.InputTokens,
        OutputTokens = result.OutputTokens,
    };

    /// <summary>A stored answer read back, or null when it cannot be read as a class (then the item is asked again).</summary>
    private ClassLabelResult? FromStore(PseudoLabelResult annotation)
    {
        int index;
        try
        {
            index = Parse(annotation.RawAnswer, _classNames);
        }
        catch (JsonException)
        {
            return null;
        }
        return new ClassLabelResult(annotation.Id, index)
        {
            Outcome = index == ClassLabelResult.Abstained ? LabelingOutcome.Abstained : LabelingOutcome.Labeled,
            RawAnswer = annotation.RawAnswer,
            InputTokens = annotation.InputTokens,
            OutputTokens = annotation.OutputTokens,
        };
    }

    private async Task<ClassLabelResult> LabelOneAsync(LabelingItem item, LabelingRun run, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(s_runKey, run);
        try
        {
            return await _pipeline.ExecuteAsync(
                static async (ctx, state) => await state.self.AskAsync(state.item, state.run, ctx.CancellationToken).ConfigureAwait(false),
                context, (self: this, item, run)).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var kind = FailureClassifier.Classify(ex, cancellationToken);
            if (kind == FailureKind.Permanent)
            {
                throw new InvalidOperationException(
                    LabelingPipeline.DescribePermanentFailure(item.Id, ex, _responseFormat is not null, hasStore: _store is not null), ex);
            }
            if (kind == FailureKind.Unreachable)
            {
                throw new InvalidOperationException(LabelingPipeline.DescribeUnreachable(ex, hasStore: _store is not null), ex);
            }
            _logger.LogWarning(ex, "No answer for item '{Id}' ({Kind}); it is abstained.", item.Id, kind);
            return new ClassLabelResult(item.Id, ClassLabelResult.Abstained)
            {
                Outcome = LabelingOutcome.Failed,
                Error = $"{ex.GetType().Name}: {FailureClassifier.OneLine(ex)}",
            };
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private async Task<ClassLabelResult> AskAsync(LabelingItem item, LabelingRun run, CancellationToken cancellationToken)
    {
        run.CountCall();
        var messages = new List<ChatMessage>(2)
        {
            new(ChatRole.System, _systemPrompt),
            new(ChatRole.User, _userTemplate.Replace("{text}", item.Text, StringComparison.Ordinal)),
        };
        var chatOptions = _chatOptions?.Clone() ?? new ChatOptions();
        if (_responseFormat is not null)
        {
            chatOptions.ResponseFormat = _responseFormat;
        }
        var response = await _chatClient.GetResponseAsync(messages, chatOptions, cancellationToken).ConfigureAwait(false);
        string raw = response.Text;
        int index = Parse(raw, _classNames); // throws JsonException (malformed: retried) for an answer outside the classes
        return new ClassLabelResult(item.Id, index)
        {
            Outcome = index == ClassLabelResult.Abstained ? LabelingOutcome.Abstained : LabelingOutcome.Labeled,
            RawAnswer = raw,
            InputTokens = response.Usage?.InputTokenCount,
            OutputTokens = response.Usage?.OutputTokenCount,
        };
    }

    /// <summary>Reads an answer (JSON with a <c>label</c>, or a bare name) as a class index; -1 for "unsure" or a null label.</summary>
    /// <exception cref="JsonException">The answer is none of the class names (a malformed answer, retried).</exception>
    internal static int Parse(string? raw, IReadOnlyList<string> classNames)
    {
        string text = (raw ?? string.Empty).Trim();
        string? label = text;
        if (text.StartsWith('{'))
        {
            try
            {
                using var doc = JsonDocument.Parse(text);
                label = null;
                bool found = false;
                foreach (var property in doc.RootElement.EnumerateObject())
                {
                    if (string.Equals(property.Name, "label", StringComparison.OrdinalIgnoreCase))
                    {
                        found = true;
                        label = property.Value.ValueKind switch
                        {
                            JsonValueKind.Null => null,
                            JsonValueKind.String => property.Value.GetString(),
                            _ => property.Value.GetRawText(),
                        };
                    }
                }
                if (!found)
                {
                    throw new JsonException($"The answer has no \"label\": {Clip(text)}");
                }
            }
            catch (InvalidOperationException)
            {
                throw new JsonException($"The answer is not a JSON object: {Clip(text)}");
            }
        }
        if (label is null)
        {
            return ClassLabelResult.Abstained;
        }
        string name = label.Trim().Trim('"', '\'', '.', '*', '`').Trim();
        if (string.Equals(name, ChatClientClassLabelerOptions.UnsureAnswer, StringComparison.OrdinalIgnoreCase))
        {
            return ClassLabelResult.Abstained;
        }
        for (int k = 0; k < classNames.Count; k++)
        {
            if (string.Equals(name, classNames[k], StringComparison.OrdinalIgnoreCase))
            {
                return k;
            }
        }
        throw new JsonException($"The answer '{Clip(name)}' is none of the classes ({string.Join(", ", classNames)}) nor \"unsure\".");
    }

    private static string Clip(string s) => s.Length <= 200 ? s : s[..200] + "…";

    /// <summary>The JSON schema of the answer: <c>{"label": one of the class names or "unsure"}</c>.</summary>
    private static JsonElement Schema(IReadOnlyList<string> classNames)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("type", "object");
            writer.WriteStartObject("properties");
            writer.WriteStartObject("label");
            writer.WriteString("type", "string");
            writer.WriteString("description", "Exactly one of the class names, or \"unsure\" when you cannot tell.");
            writer.WriteStartArray("enum");
            foreach (string name in classNames)
            {
                writer.WriteStringValue(name);
            }
            writer.WriteStringValue(ChatClientClassLabelerOptions.UnsureAnswer);
            writer.WriteEndArray();
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteStartArray("required");
            writer.WriteStringValue("label");
            writer.WriteEndArray();
            writer.WriteBoolean("additionalProperties", false);
            writer.WriteEndObject();
        }
        using var doc = JsonDocument.Parse(buffer.WrittenMemory);
        return doc.RootElement.Clone();
    }
}
