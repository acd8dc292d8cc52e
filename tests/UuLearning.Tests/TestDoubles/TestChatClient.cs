using Microsoft.Extensions.AI;

namespace UuLearning.Tests;

/// <summary>A callback-driven <see cref="IChatClient"/>, after Microsoft.Extensions.AI's own TestChatClient.</summary>
internal sealed class TestChatClient : IChatClient
{
    private int _calls;
    private int _inFlight;
    private int _maxInFlight;

    /// <summary>Called for each request; returns the response (or throws).</summary>
    public Func<IList<ChatMessage>, ChatOptions?, CancellationToken, Task<ChatResponse>>? GetResponseAsyncCallback { get; set; }

    /// <summary>The model id the client reports in its metadata.</summary>
    public string ModelId { get; set; } = "test-model";

    /// <summary>Requests received.</summary>
    public int Calls => Volatile.Read(ref _calls);

    /// <summary>Requests in flight now.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>The most requests seen in flight at once.</summary>
    public int MaxInFlight => Volatile.Read(ref _maxInFlight);

    /// <summary>Builds a response with one assistant message, and token usage when given.</summary>
    public static ChatResponse Answer(string text, long? inputTokens = null, long? outputTokens = null) =>
        new(new ChatMessage(ChatRole.Assistant, text))
        {
            Usage = inputTokens is null && outputTokens is null ? null : new UsageDetails { InputTokenCount = inputTokens, OutputTokenCount = outputTokens },
        };

    /// <summary>The text of the last user message of a request (the item).</summary>
    public static string ItemText(IList<ChatMessage> messages) => messages.Last(m => m.Role == ChatRole.User).Text;

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _calls);
        int now = Interlocked.Increment(ref _inFlight);
        int seen;
        while (now > (seen = Volatile.Read(ref _maxInFlight)) && Interlocked.CompareExchange(ref _maxInFlight, now, seen) != seen)
        {
        }
        try
        {
            var callback = GetResponseAsyncCallback ?? throw new InvalidOperationException("No callback set.");
            return await callback(messages.ToList(), options, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceType == typeof(ChatClientMetadata) ? new ChatClientMetadata("test", null, ModelId) : serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }
}
