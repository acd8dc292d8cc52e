using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace UuLearning;

/// <summary>
/// The retry and timeout pipeline shared by the chat labelers (<see cref="ChatClientPseudoLabeler"/> and
/// <see cref="ChatClientClassLabeler"/>): transient failures and malformed bodies are retried with exponential backoff,
/// honouring Retry-After up to a cap; each attempt has a timeout. All waits run on the given <see cref="TimeProvider"/>.
/// </summary>
internal static class LabelingPipeline
{
    /// <summary>Builds the pipeline.</summary>
    /// <typeparam name="T">The result type of one attempt.</typeparam>
    /// <param name="settings">Retry counts and delays.</param>
    /// <param name="timeProvider">The clock of every wait.</param>
    /// <param name="logger">Receives a warning per retry.</param>
    /// <param name="onRetry">Called before each retry with the attempt's context and the retry's cause.</param>
    /// <param name="onTimeout">Called when an attempt times out.</param>
    public static ResiliencePipeline<T> Build<T>(LabelingRetrySettings settings, TimeProvider timeProvider, ILogger logger,
        Action<ResilienceContext, RetryCause>? onRetry = null, Action<ResilienceContext>? onTimeout = null)
    {
        var maxRetryAfter = settings.MaxRetryAfter;
        var builder = new ResiliencePipelineBuilder<T> { TimeProvider = timeProvider };
        if (settings.MaxRetryAttempts > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<T>
            {
                MaxRetryAttempts = settings.MaxRetryAttempts,
                Delay = settings.RetryBaseDelay,
                MaxDelay = settings.RetryMaxDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = settings.UseJitter,
                ShouldHandle = args => ValueTask.FromResult(
                    args.Outcome.Exception is { } e
                    && !args.Context.CancellationToken.IsCancellationRequested
                    && FailureClassifier.Classify(e, args.Context.CancellationToken) is FailureKind.Transient or FailureKind.Malformed),
                DelayGenerator = args =>
                {
                    TimeSpan? retryAfter = args.Outcome.Exception is { } e ? FailureClassifier.GetRetryAfter(e, timeProvider) : null;
                    return ValueTask.FromResult(retryAfter is TimeSpan d ? (d > maxRetryAfter ? maxRetryAfter : d) : (TimeSpan?)null);
                },
                OnRetry = args =>
                {
                    if (args.Outcome.Exception is { } e)
                    {
                        onRetry?.Invoke(args.Context, FailureClassifier.CauseOf(e));
                    }
                    logger.LogWarning("Transient failure ({Error}); retry {Attempt} in {Delay}.",
                        args.Outcome.Exception is { } ex ? FailureClassifier.OneLine(ex) : null, args.AttemptNumber + 1, args.RetryDelay);
                    return ValueTask.CompletedTask;
                },
            });
        }
        builder.AddTimeout(new TimeoutStrategyOptions
        {
            Timeout = settings.AttemptTimeout,
            OnTimeout = args =>
            {
                onTimeout?.Invoke(args.Context);
                return ValueTask.CompletedTask;
            },
        });
        return builder.Build();
    }

    /// <summary>The one-line message of a permanent failure (HTTP 4xx other than 408/429), saying what to fix.</summary>
    public static string DescribePermanentFailure(string itemId, Exception exception, bool structured, bool hasStore)
    {
        string status = FailureClassifier.TryGetStatus(exception, out int code) ? $"HTTP {code}" : exception.GetType().Name;
        string advice = code switch
        {
            401 or 403 => "Check the API key (or token) and that it may use this model.",
            404 => "Check the endpoint URL and the model name.",
            400 => structured
                ? "Check the model name and the chat options. If the provider does not support JSON-schema responses, set UseStructuredOutput = false."
                : "Check the model name and the chat options.",
            _ => "The request is not acceptable to this endpoint; check its configuration.",
        };
        return $"The chat endpoint rejected the request for item '{itemId}' permanently ({status}: {FailureClassifier.OneLine(exception)}). {advice} The run was stopped. {Resume(hasStore)}";
    }

    /// <summary>The one-line message of an unreachable endpoint.</summary>
    public static string DescribeUnreachable(Exception exception, bool hasStore) =>
        $"The chat endpoint cannot be reached ({FailureClassifier.OneLine(exception)}). Check the endpoint URL, that the server is running, and the network (DNS, proxy, TLS certificate). The run was stopped. {Resume(hasStore)}";

    private static string Resume(bool hasStore) => hasStore
        ? "Answers received so far are in the store; a rerun with the same settings will not pay for them again."
        : "No store is configured, so a rerun will ask again for every item.";
}

/// <summary>The retry settings of a chat labeler, copied from its options.</summary>
internal sealed record LabelingRetrySettings(int MaxRetryAttempts, TimeSpan RetryBaseDelay, TimeSpan RetryMaxDelay,
    TimeSpan MaxRetryAfter, bool UseJitter, TimeSpan AttemptTimeout);
