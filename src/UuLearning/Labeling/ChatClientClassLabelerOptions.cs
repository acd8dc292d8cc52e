using Microsoft.Extensions.AI;

namespace UuLearning;

/// <summary>Settings for <see cref="ChatClientClassLabeler"/>: the task, the K class names, the prompt, concurrency, retries and the store.</summary>
/// <remarks>
/// Validated once, when a <see cref="ChatClientClassLabeler"/> is created; later changes to this object do not affect
/// an existing labeler. Not thread-safe while being changed.
/// </remarks>
public sealed class ChatClientClassLabelerOptions
{
    /// <summary>The answer that means "no class" (an abstention); it is offered to the model beside the class names.</summary>
    public const string UnsureAnswer = "unsure";

    /// <summary>The default <see cref="SystemPromptTemplate"/>.</summary>
    public const string DefaultSystemPromptTemplate =
        "{instruction}\n\n" +
        "Answer with exactly one of these labels and nothing else: {classes}. " +
        "If you cannot tell, answer \"unsure\".";

    /// <summary>The default <see cref="UserPromptTemplate"/>.</summary>
    public const string DefaultUserPromptTemplate = "{text}";

    /// <summary>What the model must decide, in plain words (for example "What is the political leaning of this article?").</summary>
    /// <value>Required: no default; an empty instruction is rejected.</value>
    public string Instruction { get; set; } = string.Empty;

    /// <summary>The class names, as the model should answer them; the result's class index is a position in this list.</summary>
    /// <value>Required: at least 2 names, non-empty and distinct ignoring case and surrounding spaces, none equal to
    /// <see cref="UnsureAnswer"/>.</value>
    public IList<string> ClassNames { get; } = new List<string>();

    /// <summary>The system message. Placeholders: <c>{instruction}</c> and <c>{classes}</c> (the quoted class names,
    /// comma-separated); other braces are left as they are.</summary>
    /// <value>Default: <see cref="DefaultSystemPromptTemplate"/>.</value>
    public string SystemPromptTemplate { get; set; } = DefaultSystemPromptTemplate;

    /// <summary>The user message carrying one item. Must contain <c>{text}</c>.</summary>
    /// <value>Default: <see cref="DefaultUserPromptTemplate"/> (the item's text alone).</value>
    public string UserPromptTemplate { get; set; } = DefaultUserPromptTemplate;

    /// <summary>Chat options sent with every call (model id, temperature, seed, ...). Cloned per call; its
    /// <see cref="ChatOptions.ResponseFormat"/> is replaced when <see cref="UseStructuredOutput"/> is set.</summary>
    /// <value>Default: <see langword="null"/> (the client's defaults).</value>
    public ChatOptions? ChatOptions { get; set; }

    /// <summary>
    /// Whether to ask for a JSON-schema response whose <c>label</c> is an enum of the class names and <c>"unsure"</c>.
    /// The answer is read as JSON when it is JSON and as a bare class name otherwise; set it to
    /// <see langword="false"/> for providers that reject JSON-schema responses.
    /// </summary>
    /// <value>Default: <see langword="true"/>.</value>
    public bool UseStructuredOutput { get; set; } = true;

    /// <summary>The most model calls in flight at once.</summary>
    /// <value>Default: 4. Allowed: 1 to 1024.</value>
    public int MaxConcurrency { get; set; } = 4;

    /// <summary>Retries per item after a transient failure (HTTP 408, 429, 5xx, timeouts, dropped connections), a
    /// malformed response body, or an answer that is none of the class names.</summary>
    /// <value>Default: 5. Allowed: 0 to 100.</value>
    public int MaxRetryAttempts { get; set; } = 5;

    /// <summary>The first retry delay; later delays grow exponentially (with jitter when <see cref="UseJitter"/>).</summary>
    /// <value>Default: 1 second. Allowed: 0 to 1 hour.</value>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest backoff delay between retries.</summary>
    /// <value>Default: 30 seconds. Allowed: <see cref="RetryBaseDelay"/> to 1 hour.</value>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest Retry-After the labeler honours; a longer one is cut to this value.</summary>
    /// <value>Default: 60 seconds. Allowed: 0 to 1 hour.</value>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Whether backoff delays are randomised so that parallel calls do not retry in step.</summary>
    /// <value>Default: <see langword="true"/>.</value>
    public bool UseJitter { get; set; } = true;

    /// <summary>The longest one call may take before it is abandoned and retried as a transient failure.</summary>
    /// <value>Default: 100 seconds. Allowed: 10 milliseconds to 1 day.</value>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>The clock for attempt timeouts, backoff and Retry-After waits.</summary>
    /// <value>Default: <see cref="TimeProvider.System"/>. Tests pass a fake one to drive time without waiting.</value>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Where answers are recorded as they arrive, so that a rerun skips them (see <see cref="JsonlAnnotationStore"/>;
    /// a K-class answer is stored with its raw answer, from which the class is read again).</summary>
    /// <value>Default: <see langword="null"/> (nothing is recorded; a rerun pays again). The labeler does not own the store.</value>
    public IAnnotationStore? Store { get; set; }
}
