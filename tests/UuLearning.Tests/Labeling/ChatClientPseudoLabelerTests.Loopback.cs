using System.ClientModel;
using System.ClientModel.Primitives;
using Microsoft.Extensions.AI;
using OpenAI;

namespace UuLearning.Tests;

/// <summary>The labeler against a real HTTP server speaking the OpenAI chat-completions protocol, through the real OpenAI client.</summary>
public sealed partial class ChatClientPseudoLabelerTests
{
    /// <summary>The real OpenAI client with its own retries off, so that every server call is one of ours.</summary>
    internal static IChatClient OpenAIClient(Uri endpoint) =>
        new OpenAI.Chat.ChatClient("loopback-model", new ApiKeyCredential("k"), new OpenAIClientOptions
        {
            Endpoint = endpoint,
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            NetworkTimeout = TimeSpan.FromSeconds(30),
        }).AsIChatClient();

    private static string Truth(string text) => IsSpam(text) ? "spam" : "ham";

    [Fact]
    public async Task LabelAsync_LoopbackServerWithFaults_NoItemLostNoneChargedTwice()
    {
        // Faults by item: 429 with Retry-After: 1 s; 500s; a hang past the attempt timeout; a malformed 200 body;
        // a 503 that never ends.
        await using var server = new LoopbackOpenAIServer((text, attempt, structured) => text switch
        {
            "comment 3" when attempt == 1 => new LoopbackReply(429, RetryAfter: "1"),
            "comment 5" or "comment 6" when attempt == 1 => new LoopbackReply(500),
            "comment 7" when attempt <= 2 => new LoopbackReply(502),
            "comment 9" when attempt == 1 => new LoopbackReply(Delay: TimeSpan.FromSeconds(3), Hang: true),
            "comment 11" when attempt == 1 => new LoopbackReply(Malformed: true),
            "comment 13" => new LoopbackReply(503),
            _ => new LoopbackReply(Content: structured ? $"{{\"label\":\"{Truth(text)}\",\"confidence\":0.9}}" : Truth(text)),
        }, maxRequests: 200);
        using var client = OpenAIClient(server.Endpoint);
        string path = Path.Combine(_directory, "loopback.jsonl");
        var items = Items(24);
        var options = Options(concurrency: 4, structured: true);
        options.AttemptTimeout = TimeSpan.FromMilliseconds(750);
        options.MaxRetryAfter = TimeSpan.FromSeconds(2);

        IReadOnlyList<PseudoLabelResult> results;
        using (var store = new JsonlAnnotationStore(path))
        {
            options.Store = store;
            results = await new ChatClientPseudoLabeler(client, options).LabelAsync(items);
        }

        // Every item is accounted for, in order: labeled correctly, or (11: malformed body, 13: endless 503) failed.
        Assert.Equal(items.Select(i => i.Id), results.Select(r => r.Id));
        foreach (var (item, result) in items.Zip(results))
        {
            if (item.Text is "comment 11" or "comment 13")
            {
                Assert.Equal(LabelingOutcome.Failed, result.Outcome);
                Assert.Equal(PseudoLabel.Abstained, result.Label);
                Assert.NotNull(result.Error);
            }
            else
            {
                Assert.Equal(IsSpam(item.Text) ? PseudoLabel.Positive : PseudoLabel.Negative, result.Label);
                Assert.Equal(0.9, result.Confidence);
            }
        }

        var requests = server.Requests;
        Assert.All(requests, r => Assert.True(r.HasResponseFormat));
        // None charged twice: at most one answered call per item, and exactly one for each labeled item.
        foreach (var item in items)
        {
            int answered = requests.Count(r => r.ItemText == item.Text && r.Answered);
            Assert.Equal(item.Text is "comment 11" or "comment 13" ? 0 : 1, answered);
        }
        // Exact call count: 24 first calls + 1 (429) + 2 (500s) + 2 (502s) + 1 (hang) + 3 retries of the endless 503.
        Assert.Equal(24 + 1 + 2 + 2 + 1 + 3, requests.Count);
        // The 429's Retry-After of 1 s was honoured.
        var retried = requests.Where(r => r.ItemText == "comment 3").OrderBy(r => r.Attempt).ToList();
        Assert.True(retried[1].At - retried[0].At >= TimeSpan.FromMilliseconds(900), $"Retried after {retried[1].At - retried[0].At}.");

        // A rerun against a healed server asks only for the two failed items.
        await using var healed = new LoopbackOpenAIServer((text, _, _) => new LoopbackReply(Content: Truth(text)), maxRequests: 50);
        using var healedClient = OpenAIClient(healed.Endpoint);
        using (var store = new JsonlAnnotationStore(path))
        {
            options.Store = store;
            var rerun = await new ChatClientPseudoLabeler(healedClient, options).LabelAsync(items);
            Assert.All(rerun, r => Assert.Equal(LabelingOutcome.Labeled, r.Outcome));
        }
        Assert.Equal(["comment 11", "comment 13"], healed.Requests.Select(r => r.ItemText).Order());
        AssertEachIdOnce(path, 24);
    }

    [Fact]
    public async Task LabelAsync_LoopbackRetryAfterAboveCap_WaitsOnlyTheCap()
    {
        await using var server = new LoopbackOpenAIServer((text, attempt, _) => attempt == 1
            ? new LoopbackReply(429, RetryAfter: "30")
            : new LoopbackReply(Content: Truth(text)), maxRequests: 10);
        using var client = OpenAIClient(server.Endpoint);
        var options = Options();
        options.MaxRetryAfter = TimeSpan.FromMilliseconds(300);
        options.RetryBaseDelay = TimeSpan.FromMilliseconds(1); // so that a 300 ms gap can only come from the capped Retry-After

        var results = await new ChatClientPseudoLabeler(client, options).LabelAsync(Items(1));

        Assert.Equal(PseudoLabel.Positive, results[0].Label);
        var requests = server.Requests.OrderBy(r => r.Attempt).ToList();
        Assert.Equal(2, requests.Count);
        Assert.InRange(requests[1].At - requests[0].At, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task LabelAsync_LoopbackServerRejectsKey_StopsAtOnceWithHttp401()
    {
        await using var server = new LoopbackOpenAIServer((_, _, _) => new LoopbackReply(401), maxRequests: 100);
        using var client = OpenAIClient(server.Endpoint);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => new ChatClientPseudoLabeler(client, Options(concurrency: 2)).LabelAsync(Items(40)));

        Assert.Contains("HTTP 401", error.Message, StringComparison.Ordinal);
        Assert.Contains("API key", error.Message, StringComparison.Ordinal);
        Assert.InRange(server.Requests.Count, 1, 2);
    }

    [Fact]
    public async Task LabelAsync_LoopbackServerFreeText_ParsesPlainAnswers()
    {
        await using var server = new LoopbackOpenAIServer((text, _, _) => new LoopbackReply(Content: IsSpam(text) ? "Yes." : "No"), maxRequests: 50);
        using var client = OpenAIClient(server.Endpoint);

        var results = await new ChatClientPseudoLabeler(client, Options()).LabelAsync(Items(10));

        Assert.Equal(Enumerable.Range(0, 10).Select(i => i % 2 == 0 ? PseudoLabel.Positive : PseudoLabel.Negative), results.Select(r => r.Label));
        Assert.All(server.Requests, r => Assert.False(r.HasResponseFormat));
        Assert.Equal("loopback-model", new ChatClientPseudoLabeler(client, Options()).ModelId);
    }
}
