using System.ClientModel;
using System.ClientModel.Primitives;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;
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
            NetworkTimeout = TimeSpan.FromMinutes(10), // generous: a hang is ended by the labeler's timeout, on the test's clock
        }).AsIChatClient();

    private static string Truth(string text) => IsSpam(text) ? "spam" : "ham";

    [Fact]
    public async Task LabelAsync_LoopbackServerWithFaults_NoItemLostNoneChargedTwice()
    {
        // Faults by item: 429 with Retry-After: 1 s; 500s; a hang (held at a gate until the test ends, so it outlasts the
        // attempt timeout whatever the machine's speed); a malformed 200 body; a 503 that never ends.
        // Time is fake: the labeler's timeouts, backoff and Retry-After run on a FakeTimeProvider that moves on only while
        // no call is in flight but the held one, so a slow machine delays the test but cannot change its verdict.
        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = new LoopbackOpenAIServer((text, attempt, structured) => text switch
        {
            "comment 3" when attempt == 1 => new LoopbackReply(429, RetryAfter: "1"),
            "comment 5" or "comment 6" when attempt == 1 => new LoopbackReply(500),
            "comment 7" when attempt <= 2 => new LoopbackReply(502),
            "comment 9" when attempt == 1 => new LoopbackReply(Hang: true, Gate: hold.Task),
            "comment 11" when attempt == 1 => new LoopbackReply(Malformed: true),
            "comment 13" => new LoopbackReply(503),
            _ => new LoopbackReply(Content: structured ? $"{{\"label\":\"{Truth(text)}\",\"confidence\":0.9}}" : Truth(text)),
        }, maxRequests: 200);
        var time = new FakeTimeProvider();
        using var client = new ObservingChatClient(OpenAIClient(server.Endpoint), time);
        string path = Path.Combine(_directory, "loopback.jsonl");
        var items = Items(24);
        var options = Options(concurrency: 4, structured: true);
        options.TimeProvider = time;
        options.AttemptTimeout = TimeSpan.FromSeconds(60);
        options.MaxRetryAfter = TimeSpan.FromSeconds(2);
        var progress = new ListProgress();

        IReadOnlyList<PseudoLabelResult> results;
        try
        {
            using var store = new JsonlAnnotationStore(path, timeProvider: time);
            options.Store = store;
            results = await FakeTimeDriver.RunAsync(new ChatClientPseudoLabeler(client, options).LabelAsync(items, progress), time,
                idle: () => client.InFlight.All(call => call == ("comment 9", 1)), step: TimeSpan.FromMilliseconds(250), limit: TimeSpan.FromHours(1));
        }
        finally
        {
            hold.TrySetResult();
        }

        // Every item is accounted for, in order: labeled correctly (11's malformed body was retried), or (13: endless 503) failed.
        Assert.Equal(items.Select(i => i.Id), results.Select(r => r.Id));
        foreach (var (item, result) in items.Zip(results))
        {
            if (item.Text is "comment 13")
            {
                Assert.Equal(LabelingOutcome.Failed, result.Outcome);
                Assert.Equal(PseudoLabel.Abstained, result.Label);
                Assert.NotNull(result.Error);
            }
            else
            {
                Assert.Equal(IsSpam(item.Text) ? PseudoLabel.Positive : PseudoLabel.Negative, result.Label);
                Assert.Equal(0.9, result.Confidence);
                Assert.Equal((10L, 1L), (result.InputTokens, result.OutputTokens));
            }
        }

        var requests = server.Requests;
        Assert.All(requests, r => Assert.True(r.HasResponseFormat));
        // None charged twice: exactly one answered call per labeled item, none for the failed one.
        foreach (var item in items)
        {
            int answered = requests.Count(r => r.ItemText == item.Text && r.Answered);
            Assert.Equal(item.Text is "comment 13" ? 0 : 1, answered);
        }
        // Exact call count: 24 first calls + 1 (429) + 2 (500s) + 2 (502s) + 1 (hang) + 1 (malformed) + 3 retries of the endless 503.
        Assert.Equal(24 + 1 + 2 + 2 + 1 + 1 + 3, requests.Count);
        // The run's own account matches what the server saw.
        var last = progress.Reports.MaxBy(p => (p.Completed, p.Calls))!;
        Assert.Equal(requests.Count, last.Calls);
        Assert.Equal(23, last.Answers);
        Assert.Equal(new LabelingRetries(RateLimited: 1, ServerError: 2 + 2 + 3, Timeout: 1, Malformed: 1, Transport: 0), last.Retries);
        Assert.Equal(1, last.TimedOutAttempts);
        Assert.Equal((230L, 23L), (last.InputTokens, last.OutputTokens));
        // The 429's Retry-After of 1 s was honoured (on the labeler's clock).
        var retried = client.Calls.Where(c => c.ItemText == "comment 3").Select(c => c.At).ToList();
        Assert.Equal(2, retried.Count);
        Assert.True(retried[1] - retried[0] >= TimeSpan.FromSeconds(1), $"Retried after {retried[1] - retried[0]}.");

        // A rerun against a healed server asks only for the failed item, and keeps the stored token counts.
        await using var healed = new LoopbackOpenAIServer((text, _, _) => new LoopbackReply(Content: Truth(text)), maxRequests: 50);
        using var healedClient = OpenAIClient(healed.Endpoint);
        using (var store = new JsonlAnnotationStore(path))
        {
            options.Store = store;
            options.TimeProvider = TimeProvider.System;
            var rerun = await new ChatClientPseudoLabeler(healedClient, options).LabelAsync(items);
            Assert.All(rerun, r => Assert.Equal(LabelingOutcome.Labeled, r.Outcome));
            Assert.Equal(24 * 10, rerun.Sum(r => r.InputTokens));
        }
        Assert.Equal(["comment 13"], healed.Requests.Select(r => r.ItemText));
        AssertEachIdOnce(path, 24);
    }

    [Fact]
    public async Task LabelAsync_LoopbackRetryAfterAboveCap_WaitsOnlyTheCap()
    {
        await using var server = new LoopbackOpenAIServer((text, attempt, _) => attempt == 1
            ? new LoopbackReply(429, RetryAfter: "30")
            : new LoopbackReply(Content: Truth(text)), maxRequests: 10);
        var time = new FakeTimeProvider();
        using var client = new ObservingChatClient(OpenAIClient(server.Endpoint), time);
        var options = Options();
        options.TimeProvider = time;
        options.AttemptTimeout = TimeSpan.FromMinutes(10);
        options.MaxRetryAfter = TimeSpan.FromMilliseconds(300);
        options.RetryBaseDelay = TimeSpan.FromMilliseconds(1); // so that a 300 ms gap can only come from the capped Retry-After

        var logger = new ListLogger();

        var results = await FakeTimeDriver.RunAsync(new ChatClientPseudoLabeler(client, options, logger).LabelAsync(Items(1)), time,
            idle: () => client.InFlight.Count == 0, step: TimeSpan.FromMilliseconds(10), limit: TimeSpan.FromMinutes(1));

        Assert.Equal(PseudoLabel.Positive, results[0].Label);
        Assert.Equal(2, server.Requests.Count);
        // The retry waited the cap, not the server's 30 s: the delay the pipeline chose, and at least that much fake time.
        Assert.Equal(TimeSpan.FromMilliseconds(300), Assert.Single(logger.Entries, e => e.ContainsKey("Delay"))["Delay"]);
        var calls = client.Calls;
        Assert.True(calls[1].At - calls[0].At >= TimeSpan.FromMilliseconds(300), $"Retried after {calls[1].At - calls[0].At}.");
    }

    [Fact]
    public async Task LabelAsync_LoopbackClosedPort_StopsAtOnceSayingTheEndpointIsUnreachable()
    {
        int port;
        await using (var closed = new LoopbackOpenAIServer((_, _, _) => new LoopbackReply(200)))
        {
            port = closed.Port;
        }
        using var client = OpenAIClient(new Uri($"http://127.0.0.1:{port}/v1"));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => new ChatClientPseudoLabeler(client, Options(concurrency: 2)).LabelAsync(Items(10)));

        Assert.Contains("cannot be reached", error.Message, StringComparison.Ordinal);
        Assert.Contains("endpoint URL", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
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
        Assert.Contains("loopback error 401", error.Message, StringComparison.Ordinal); // the server's words, past the client's line break
        Assert.DoesNotContain('\n', error.Message);
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
