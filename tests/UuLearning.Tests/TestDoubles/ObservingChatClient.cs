using System.Collections.Concurrent;
using Microsoft.Extensions.AI;

namespace UuLearning.Tests;

/// <summary>
/// Wraps a chat client to see the labeler's calls: which are in flight now (by item text and attempt number), and when
/// (on a test clock) each call started.
/// </summary>
internal sealed class ObservingChatClient(IChatClient inner, TimeProvider clock) : DelegatingChatClient(inner)
{
    private readonly ConcurrentQueue<(string ItemText, DateTimeOffset At)> _calls = new();
    private readonly ConcurrentDictionary<string, int> _attempts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string ItemText, int Attempt), byte> _inFlight = new();

    /// <summary>Calls started and not yet returned, by item text and attempt number (from 1).</summary>
    public IReadOnlyCollection<(string ItemText, int Attempt)> InFlight => _inFlight.Keys.ToArray();

    /// <summary>The start time of every call, by item text, in start order.</summary>
    public IReadOnlyList<(string ItemText, DateTimeOffset At)> Calls => _calls.ToArray();

    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = messages as IList<ChatMessage> ?? messages.ToList();
        string text = TestChatClient.ItemText(list);
        var call = (text, _attempts.AddOrUpdate(text, 1, (_, n) => n + 1));
        _inFlight[call] = 0;
        try
        {
            _calls.Enqueue((text, clock.GetUtcNow()));
            return await base.GetResponseAsync(list, options, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _inFlight.TryRemove(call, out _);
        }
    }
}
