using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;

namespace UuLearning;

/// <summary>
/// Labels items by asking a chat model (any <see cref="IChatClient"/>: OpenAI, Azure OpenAI, Ollama, a local server ...)
/// a yes/no question per item, with bounded concurrency, retries on transient failures, and a resumable store.
/// </summary>
/// <remarks>
/// <para>
/// Per item: the prompt is built from <see cref="ChatClientPseudoLabelerOptions.SystemPromptTemplate"/>, the few-shot
/// examples and <see cref="ChatClientPseudoLabelerOptions.UserPromptTemplate"/>; the model is asked for a JSON answer
/// (when <see cref="ChatClientPseudoLabelerOptions.UseStructuredOutput"/>) and the answer is read as JSON or as free text.
/// An answer that cannot be read is an abstention with the raw text kept, never a guess.
/// </para>
/// <para>
/// Failures: transient ones (HTTP 408, 429, 5xx, timeouts, dropped connections) and malformed response bodies are
/// retried with exponential backoff through a Polly pipeline, honouring Retry-After up to a cap. Once the retries are
/// spent, the item is returned as <see cref="LabelingOutcome.Failed"/> (abstained, not stored, tried again by a rerun).
/// A permanent failure (HTTP 400, 401, 403, 404 ...) or an unreachable endpoint (connection refused, unknown host, TLS
/// failure) stops the run with an <see cref="InvalidOperationException"/> whose one-line message says what to fix.
/// All waits (timeouts, backoff, Retry-After) run on <see cref="ChatClientPseudoLabelerOptions.TimeProvider"/>.
/// </para>
/// <para>
/// Resuming: with a <see cref="ChatClientPseudoLabelerOptions.Store"/>, every answer is appended as it arrives under
/// <see cref="KeySpace"/>, a hash of the prompt, the model id and the options that shape answers. A later run with the
/// same settings skips the stored items, so a crash or a cancel loses at most the calls in flight.
/// </para>
/// <para>
/// Thread safety: <see cref="LabelAsync(IReadOnlyList{LabelingItem}, CancellationToken)"/> may be called concurrently;
/// each call is a separate run with its own concurrency limit. Concurrent runs over the same store may label an item
/// twice. The labeler does not own the chat client or the store: dispose them yourself. If the chat client retries on
/// its own (the OpenAI client does, 3 times by default), each of its retries multiplies ours: turn one of them off.
/// </para>
/// </remarks>
public sealed class ChatClientPseudoLabeler : IPseudoLabeler
{
    private static readonly JsonSerializerOptions s_jsonOptions = new(AIJsonUtilities.DefaultOptions) { PropertyNameCaseInsensitive = true };

    /// <summary>Carries the run's counters to the retry and timeout callbacks of the shared pipeline.</summary>
    private static readonly ResiliencePropertyKey<LabelingRun> s_runKey = new("UuLearning.LabelingRun");

    private readonly IChatClient _chatClient;
    private readonly ILogger _logger;
    private readonly ResiliencePipeline<PseudoLabelResult> _pipeline;
    private readonly string _positive;
    private readonly string _negative;
    private readonly string _systemPrompt;
    private readonly string _userTemplate;
    private readonly ChatMessage[] _examples;
    private readonly ChatOptions? _chatOptions;
    private readonly bool _structured;
    private readonly int _maxConcurrency;
    private readonly IAnnotationStore? _store;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates a labeler over <paramref name="chatClient"/>.</summary>
    /// <param name="chatClient">The chat client to ask. Not owned.</param>
    /// <param name="options">The task and settings; validated here and copied.</param>
    /// <param name="logger">Receives retries, failures and a summary per run. Default: none.</param>
    /// <exception cref="ArgumentNullException"><paramref name="chatClient"/> or <paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentException">The instruction or a class name is empty, the class names are equal, the user
    /// template lacks <c>{text}</c>, or an example is null or not labeled positive or negative.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A numeric or time option is outside its allowed range (the message names it).</exception>
    public ChatClientPseudoLabeler(IChatClient chatClient, ChatClientPseudoLabelerOptions options, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(chatClient);
        ArgumentNullException.ThrowIfNull(options);
        Validate(options);

        _chatClient = chatClient;
        _logger = logger ?? NullLogger.Instance;
        _positive = options.PositiveClassName.Trim();
        _negative = options.NegativeClassName.Trim();
        _systemPrompt = Render(options.SystemPromptTemplate, options.Instruction.Trim(), text: null);
        _userTemplate = options.UserPromptTemplate;
        _examples = options.Examples.SelectMany(e => new[]
        {
            new ChatMessage(ChatRole.User, RenderUser(e.Text)),
            new ChatMessage(ChatRole.Assistant, e.Label == PseudoLabel.Positive ? _positive : _negative),
        }).ToArray();
        _chatOptions = options.ChatOptions?.Clone();
        _structured = options.UseStructuredOutput;
        _maxConcurrency = options.MaxConcurrency;
        _store = options.Store;
        _timeProvider = options.TimeProvider ?? TimeProvider.System;
        ModelId = _chatOptions?.ModelId ?? chatClient.GetService<ChatClientMetadata>()?.DefaultModelId ?? string.Empty;
        KeySpace = ComputeKeySpace(options);
        _pipeline = BuildPipeline(options);
    }

    /// <summary>The model id that is part of <see cref="KeySpace"/> (from the chat options, else the client's metadata; empty when unknown).</summary>
    public string ModelId { get; }

    /// <summary>
    /// The key space of this labeler's annotations in the store: a hash of the rendered prompt, the few-shot examples,
    /// the class names, the model id, the answer-shaping chat options and the structured-output setting.
    /// </summary>
    public string KeySpace { get; }

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">The endpoint rejected a request permanently (for example HTTP 401 or
    /// 400); the message says what to check. Answers received before are in the store.</exception>
    public Task<IReadOnlyList<PseudoLabelResult>> LabelAsync(IReadOnlyList<LabelingItem> items, CancellationToken cancellationToken = default) =>
        LabelAsync(items, progress: null, cancellationToken);

    /// <summary>Labels a list of items, reporting progress after each item.</summary>
    /// <param name="items">The items to label. Their ids must be unique.</param>
    /// <param name="progress">Receives a <see cref="LabelingProgress"/> after each finished item (and once after the
    /// store is read). May be called from several threads. Default: none.</param>
    /// <param name="cancellationToken">Cancels the run; answers already received are in the store.</param>
    /// <returns>One result per item, in the order of <paramref name="items"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="items"/> is null or holds a null item, id or text.</exception>
    /// <exception cref="ArgumentException">Two items share an id.</exception>
    /// <exception cref="InvalidOperationException">The endpoint rejected a request permanently (for example HTTP 401 or
    /// 400); the message says what to check. Answers received before are in the store.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    public async Task<IReadOnlyList<PseudoLabelResult>> LabelAsync(
        IReadOnlyList<LabelingItem> items, IProgress<LabelingProgress>? progress, CancellationToken cancellationToken = default)
    {
        LabelingInput.Validate(items);
        var run = new LabelingRun(items.Count, progress, _timeProvider);
        var results = await run.RunAsync(items, _store, KeySpace, _maxConcurrency,
            fromStore: annotation => annotation,
            toStore: result => result,
            describe: result => (result.Outcome == LabelingOutcome.Failed, result.Label == PseudoLabel.Abstained, result.InputTokens, result.OutputTokens),
            labelOne: (item, token) => LabelOneAsync(item, run, token),
            onStart: (stored, pending) => _logger.LogInformation("Labeling {Total} items with model '{Model}' (key space {KeySpace}): {Stored} from the store, {Pending} to ask, {Concurrency} at a time.",
                items.Count, ModelId, KeySpace, stored, pending, _maxConcurrency),
            cancellationToken).ConfigureAwait(false);

        var final = run.Snapshot();
        _logger.LogInformation("Labeled {Total} items: {Labeled} labeled, {Abstained} abstained, {Failed} failed, {FromStore} from the store; {Calls} calls ({Answers} answers, {Retries} retries, {TimedOut} timed out) in {Elapsed}; {InputTokens} input and {OutputTokens} output tokens.",
            final.Total, final.Labeled, final.Abstained, final.Failed, final.FromStore, final.Calls, final.Answers, final.Retries.Total, final.TimedOutAttempts,
            final.Elapsed, final.InputTokens, final.OutputTokens);
        return results;
    }

    private async Task<PseudoLabelResult> LabelOneAsync(LabelingItem item, LabelingRun run, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(s_runKey, run);
        try
        {
            return await _pipeline.ExecuteAsync(
                async (ctx, state) => await state.self.AskAsync(state.item, state.run, ctx.CancellationToken).ConfigureAwait(false),
                context,
                (self: this, item, run)).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The run is being canceled (by the caller, or because another item failed permanently): not this item's fault.
            cancellationToken.ThrowIfCancellationRequested();
            var kind = FailureClassifier.Classify(ex, cancellationToken);
            if (kind == FailureKind.Permanent)
            {
                throw new InvalidOperationException(DescribePermanentFailure(item, ex), ex);
            }
            if (kind == FailureKind.Unreachable)
            {
                throw new InvalidOperationException(DescribeUnreachable(ex), ex);
            }
            _logger.LogWarning(ex, "No answer for item '{Id}' ({Kind}); it is abstained, not stored, and a rerun will try it again.", item.Id, kind);
            return new PseudoLabelResult(item.Id, PseudoLabel.Abstained)
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

    private async Task<PseudoLabelResult> AskAsync(LabelingItem item, LabelingRun run, CancellationToken cancellationToken)
    {
        var messages = new List<ChatMessage>(_examples.Length + 2) { new(ChatRole.System, _systemPrompt) };
        messages.AddRange(_examples);
        messages.Add(new ChatMessage(ChatRole.User, RenderUser(item.Text)));
        run.CountCall();
        PseudoLabelResult result;

        if (_structured)
        {
            var response = await _chatClient.GetResponseAsync<LabelAnswer>(
                messages, s_jsonOptions, _chatOptions?.Clone(), useJsonSchemaResponseFormat: true, cancellationToken).ConfigureAwait(false);
            string raw = response.Text;
            bool typed;
            LabelAnswer? answer;
            try
            {
                typed = response.TryGetResult(out answer);
            }
            catch (JsonException)
            {
                (typed, answer) = (false, null);
            }
            if (typed && answer?.Label is not null)
            {
                var (label, outcome, _) = LabelAnswerParser.Parse(answer.Label, _positive, _negative);
                result = new PseudoLabelResult(item.Id, label)
                {
                    Outcome = outcome,
                    RawAnswer = raw,
                    Confidence = label == PseudoLabel.Abstained ? null : LabelAnswerParser.NormalizeConfidence(answer.Confidence),
                };
            }
            else
            {
                result = FromText(item.Id, raw);
            }
            return WithUsage(result, response.Usage);
        }

        var plain = await _chatClient.GetResponseAsync(messages, _chatOptions?.Clone(), cancellationToken).ConfigureAwait(false);
        return WithUsage(FromText(item.Id, plain.Text), plain.Usage);
    }

    private static PseudoLabelResult WithUsage(PseudoLabelResult result, UsageDetails? usage) =>
        usage is null ? result : result with { InputTokens = usage.InputTokenCount, OutputTokens = usage.OutputTokenCount };

    private PseudoLabelResult FromText(string id, string? raw)
    {
        var (label, outcome, confidence) = LabelAnswerParser.Parse(raw, _positive, _negative);
        return new PseudoLabelResult(id, label) { Outcome = outcome, RawAnswer = raw, Confidence = confidence };
    }

    private string RenderUser(string text) => Render(_userTemplate, instruction: null, text);

    private string Render(string template, string? instruction, string? text)
    {
        var sb = new StringBuilder(template);
        if (instruction is not null)
        {
            sb.Replace("{instruction}", instruction);
        }
        sb.Replace("{positive}", _positive ?? string.Empty).Replace("{negative}", _negative ?? string.Empty);
        if (text is not null)
        {
            sb.Replace("{text}", text);
        }
        return sb.ToString();
    }

    private string ComputeKeySpace(ChatClientPseudoLabelerOptions options) => LabelingKeySpace.Compute(writer =>
    {
        writer.WriteNumber("version", 1);
        writer.WriteString("system", _systemPrompt);
        writer.WriteString("user", _userTemplate);
        writer.WriteString("positive", _positive);
        writer.WriteString("negative", _negative);
        writer.WriteStartArray("examples");
        foreach (var message in _examples)
        {
            writer.WriteStringValue(message.Role.Value + ":" + message.Text);
        }
        writer.WriteEndArray();
        writer.WriteString("model", ModelId);
        writer.WriteBoolean("structured", options.UseStructuredOutput);
    }, _chatOptions);

    private ResiliencePipeline<PseudoLabelResult> BuildPipeline(ChatClientPseudoLabelerOptions options) =>
        LabelingPipeline.Build<PseudoLabelResult>(
            new LabelingRetrySettings(options.MaxRetryAttempts, options.RetryBaseDelay, options.RetryMaxDelay, options.MaxRetryAfter,
                options.UseJitter, options.AttemptTimeout),
            _timeProvider, _logger,
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

    private string DescribePermanentFailure(LabelingItem item, Exception exception) =>
        LabelingPipeline.DescribePermanentFailure(item.Id, exception, _structured, _store is not null);

    private string DescribeUnreachable(Exception exception) => LabelingPipeline.DescribeUnreachable(exception, _store is not null);

    internal static void Validate(ChatClientPseudoLabelerOptions options) => UuLearning.DependencyInjection.ChatClientPseudoLabelerOptionsValidator.Instance.ThrowIfInvalid(options);
}
