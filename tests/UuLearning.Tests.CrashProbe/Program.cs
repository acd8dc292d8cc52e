using System.Globalization;
using Microsoft.Extensions.AI;
using UuLearning;

// Usage: UuLearning.Tests.CrashProbe <store.jsonl> <items> <delayMs> [answerLimit]
// Labels "comment i" items (even i = spam) with a fake model answering after delayMs, 4 at a time, into the store,
// and is meant to be killed outright midway by the test. After answerLimit calls the model hangs, so the probe never
// finishes on its own however slow the test's machine is.
string path = args[0];
int count = int.Parse(args[1], CultureInfo.InvariantCulture);
int delayMs = int.Parse(args[2], CultureInfo.InvariantCulture);
int answerLimit = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : int.MaxValue;
var items = Enumerable.Range(0, count).Select(i => new LabelingItem($"id{i}", $"comment {i}")).ToList();

using var store = new JsonlAnnotationStore(path);
using var client = new SlowChatClient(delayMs, answerLimit);
var labeler = new ChatClientPseudoLabeler(client, CrashProbeOptions.Create(store));
Console.WriteLine("started");
await labeler.LabelAsync(items);
Console.WriteLine("finished");
return 0;

/// <summary>The options shared with the test (same key space).</summary>
internal static class CrashProbeOptions
{
    public static ChatClientPseudoLabelerOptions Create(IAnnotationStore store) => new()
    {
        Instruction = "Is this YouTube comment spam?",
        PositiveClassName = "spam",
        NegativeClassName = "ham",
        UseStructuredOutput = false,
        MaxConcurrency = 4,
        Store = store,
    };
}

/// <summary>Answers "spam" for even comments and "ham" for odd ones after a delay; hangs after <c>answerLimit</c> calls.</summary>
internal sealed class SlowChatClient(int delayMs, int answerLimit) : IChatClient
{
    private int _calls;

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        await Task.Delay(Interlocked.Increment(ref _calls) > answerLimit ? Timeout.Infinite : delayMs, cancellationToken);
        string text = messages.Last(m => m.Role == ChatRole.User).Text;
        bool spam = int.Parse(text.Split(' ')[1], CultureInfo.InvariantCulture) % 2 == 0;
        return new ChatResponse(new ChatMessage(ChatRole.Assistant, spam ? "spam" : "ham"));
    }

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceType == typeof(ChatClientMetadata) ? new ChatClientMetadata("probe", null, "probe-model") : null;

    public void Dispose()
    {
    }
}
