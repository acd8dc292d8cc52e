using Microsoft.Extensions.AI;

namespace UuLearning;

/// <summary>Settings for <see cref="ChatClientPseudoLabeler"/>: the task, the prompt, concurrency, retries and the store.</summary>
/// <remarks>
/// Validated once, when a <see cref="ChatClientPseudoLabeler"/> is created; later changes to this object do not affect
/// an existing labeler. Not thread-safe while being changed.
/// </remarks>
public sealed class ChatClientPseudoLabelerOptions
{
    /// <summary>The default <see cref="SystemPromptTemplate"/>.</summary>
    public const string DefaultSystemPromptTemplate =
        "{instruction}\n\n" +
        "Answer with exactly one of these two labels and nothing else: \"{positive}\" or \"{negative}\". " +
        "If you cannot tell, answer \"unsure\".";

    /// <summary>The default <see cref="UserPromptTemplate"/>.</summary>
    public const string DefaultUserPromptTemplate = "{text}";

    /// <summary>What the model must decide, in plain words (for example "Is this YouTube comment spam?").</summary>
    /// <value>Required: no default; an empty instruction is rejected.</value>
    public string Instruction { get; set; } = string.Empty;

    /// <summary>The name of the positive class, as the model should answer it (for example "spam").</summary>
    /// <value>Default: <c>"positive"</c>.</value>
    public string PositiveClassName { get; set; } = "positive";

    /// <summary>The name of the negative class, as the model should answer it (for example "not spam").</summary>
    /// <value>Default: <c>"negative"</c>.</value>
    public string NegativeClassName { get; set; } = "negative";

    /// <summary>Worked examples shown before each item, as earlier user/assistant turns answered with the class name.</summary>
    /// <value>Default: none.</value>
    public IList<FewShotExample> Examples { get; } = new List<FewShotExample>();

    /// <summary>
    /// The system message. Placeholders: <c>{instruction}</c>, <c>{positive}</c>, <c>{negative}</c> (replaced by
    /// <see cref="Instruction"/> and the class names; other braces are left as they are).
    /// </summary>
    /// <value>Default: <see cref="DefaultSystemPromptTemplate"/>.</value>
    public string SystemPromptTemplate { get; set; } = DefaultSystemPromptTemplate;

    /// <summary>The user message carrying one item. Must contain <c>{text}</c>; may also use the other placeholders.</summary>
    /// <value>Default: <see cref="DefaultUserPromptTemplate"/> (the item's text alone).</value>
    public string UserPromptTemplate { get; set; } = DefaultUserPromptTemplate;

    /// <summary>Chat options sent with every call (model id, temperature, seed, ...). Cloned per call.</summary>
    /// <value>Default: <see langword="null"/> (the client's defaults). Setting <c>Temperature = 0</c> helps reproducibility.</value>
    public ChatOptions? ChatOptions { get; set; }

    /// <summary>
    /// Whether to ask for a JSON-schema response (<c>GetResponseAsync&lt;T&gt;</c>). The answer is read as JSON when it is
    /// JSON and as free text otherwise, so providers that ignore the request still work; set it to
    /// <see langword="false"/> for providers that reject it (an HTTP 400 naming <c>response_format</c>).
    /// </summary>
    /// <value>Default: <see langword="true"/>.</value>
    public bool UseStructuredOutput { get; set; } = true;

    /// <summary>The most model calls in flight at once.</summary>
    /// <value>Default: 4. Allowed: 1 to 1024.</value>
    public int MaxConcurrency { get; set; } = 4;

    /// <summary>Retries after a transient failure (HTTP 408, 429, 5xx, timeouts, dropped connections) or a malformed
    /// response body, per item.</summary>
    /// <value>Default: 5. Allowed: 0 to 100.</value>
    public int MaxRetryAttempts { get; set; } = 5;

    /// <summary>The first retry delay; later delays grow exponentially (with jitter when <see cref="UseJitter"/>).</summary>
    /// <value>Default: 1 second. Allowed: 0 to 1 hour.</value>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest backoff delay between retries (a server's Retry-After is capped by <see cref="MaxRetryAfter"/> instead).</summary>
    /// <value>Default: 30 seconds. Allowed: <see cref="RetryBaseDelay"/> to 1 hour.</value>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest Retry-After the labeler honours; a longer one is cut to this value.</summary>
    /// <value>Default: 60 seconds. Allowed: 0 to 1 hour.</value>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Whether backoff delays are randomised (decorrelated jitter) so that parallel calls do not retry in step.</summary>
    /// <value>Default: <see langword="true"/>.</value>
    public bool UseJitter { get; set; } = true;

    /// <summary>The longest one call may take before it is abandoned and retried as a transient failure.</summary>
    /// <value>Default: 100 seconds. Allowed: 10 milliseconds to 1 day.</value>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>The clock for attempt timeouts, backoff and Retry-After waits, and for the run's elapsed time.</summary>
    /// <value>Default: <see cref="TimeProvider.System"/>. Tests pass a fake one to drive time without waiting.</value>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Where annotations are recorded as they arrive, so that a rerun skips them (see <see cref="JsonlAnnotationStore"/>).</summary>
    /// <value>Default: <see langword="null"/> (nothing is recorded; a rerun pays again). The labeler does not own the store.</value>
    public IAnnotationStore? Store { get; set; }
}
