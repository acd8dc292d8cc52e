using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;

namespace UuLearning.Tests;

[Trait("Category", "TimeSensitive")]
public sealed partial class ChatClientPseudoLabelerTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("uulearning-labeling-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static ChatClientPseudoLabelerOptions Options(int concurrency = 4, IAnnotationStore? store = null, bool structured = false) => new()
    {
        Instruction = "Is this YouTube comment spam?",
        PositiveClassName = "spam",
        NegativeClassName = "ham",
        MaxConcurrency = concurrency,
        MaxRetryAttempts = 3,
        RetryBaseDelay = TimeSpan.FromMilliseconds(5),
        RetryMaxDelay = TimeSpan.FromMilliseconds(20),
        MaxRetryAfter = TimeSpan.FromMilliseconds(50),
        AttemptTimeout = TimeSpan.FromMinutes(5), // generous: tests of timeouts set their own, on a fake clock
        UseStructuredOutput = structured,
        Store = store,
    };

    private static List<LabelingItem> Items(int count) =>
        Enumerable.Range(0, count).Select(i => new LabelingItem($"id{i}", $"comment {i}")).ToList();

    /// <summary>The truth the fakes answer with: even comments are spam.</summary>
    private static bool IsSpam(string text) => int.Parse(text.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture) % 2 == 0;

    [Fact]
    public async Task LabelAsync_FreeTextAnswers_LabelsEveryItemInOrderWithRawAnswer()
    {
        using var client = new TestChatClient
        {
            GetResponseAsyncCallback = (messages, _, _) =>
                Task.FromResult(TestChatClient.Answer(IsSpam(TestChatClient.ItemText(messages)) ? "Spam." : "ham")),
        };
        var labeler = new ChatClientPseudoLabeler(client, Options());

        var results = await labeler.LabelAsync(Items(20));

        Assert.Equal(20, results.Count);
        for (int i = 0; i < 20; i++)
        {
            Assert.Equal($"id{i}", results[i].Id);
            Assert.Equal(i % 2 == 0 ? PseudoLabel.Positive : PseudoLabel.Negative, results[i].Label);
            Assert.Equal(LabelingOutcome.Labeled, results[i].Outcome);
            Assert.Equal(i % 2 == 0 ? "Spam." : "ham", results[i].RawAnswer);
        }
        Assert.Equal(20, client.Calls);
    }

    [Fact]
    public async Task LabelAsync_Prompt_CarriesInstructionClassNamesExamplesAndText()
    {
        IList<ChatMessage>? seen = null;
        using var client = new TestChatClient
        {
            GetResponseAsyncCallback = (messages, _, _) =>
            {
                seen = messages;
                return Task.FromResult(TestChatClient.Answer("spam"));
            },
        };
        var options = Options();
        options.Examples.Add(new FewShotExample("buy cheap followers", PseudoLabel.Positive));
        options.Examples.Add(new FewShotExample("great song", PseudoLabel.Negative));
        options.UserPromptTemplate = "Comment: {text}";

        await new ChatClientPseudoLabeler(client, options).LabelAsync([new LabelingItem("x", "hello")]);

        Assert.NotNull(seen);
        Assert.Equal(6, seen!.Count);
        Assert.Equal(ChatRole.System, seen[0].Role);
        Assert.StartsWith("Is this YouTube comment spam?", seen[0].Text, StringComparison.Ordinal);
        Assert.Contains("\"spam\" or \"ham\"", seen[0].Text, StringComparison.Ordinal);
        Assert.Equal(("Comment: buy cheap followers", "spam"), (seen[1].Text, seen[2].Text));
        Assert.Equal(("Comment: great song", "ham"), (seen[3].Text, seen[4].Text));
        Assert.Equal(ChatRole.User, seen[5].Role);
        Assert.Equal("Comment: hello", seen[5].Text);
    }

    [Fact]
    public async Task LabelAsync_StructuredOutput_RequestsJsonSchemaAndKeepsConfidence()
    {
        ChatOptions? seenOptions = null;
        using var client = new TestChatClient
        {
            GetResponseAsyncCallback = (_, options, _) =>
            {
                seenOptions = options;
                return Task.FromResult(TestChatClient.Answer("{\"label\":\"ham\",\"confidence\":0.8}"));
            },
        };

        var results = await new ChatClientPseudoLabeler(client, Options(structured: true)).LabelAsync(Items(1));

        Assert.IsType<ChatResponseFormatJson>(seenOptions?.ResponseFormat);
        Assert.NotNull(((ChatResponseFormatJson)seenOptions!.ResponseFormat!).Schema);
        Assert.Equal(PseudoLabel.Negative, results[0].Label);
        Assert.Equal(0.8, results[0].Confidence);
    }

    [Fact]
    public async Task LabelAsync_StructuredOutputIgnoredByProvider_FallsBackToFreeText()
    {
        using var client = new TestChatClient { GetResponseAsyncCallback = (_, _, _) => Task.FromResult(TestChatClient.Answer("Yes")) };

        var results = await new ChatClientPseudoLabeler(client, Options(structured: true)).LabelAsync(Items(1));

        Assert.Equal(PseudoLabel.Positive, results[0].Label);
        Assert.Null(results[0].Confidence);
    }

    [Theory]
    [InlineData("Spam", PseudoLabel.Positive, LabelingOutcome.Labeled)]
    [InlineData("HAM", PseudoLabel.Negative, LabelingOutcome.Labeled)]
    [InlineData("yes", PseudoLabel.Positive, LabelingOutcome.Labeled)]
    [InlineData("false", PseudoLabel.Negative, LabelingOutcome.Labeled)]
    [InlineData("B", PseudoLabel.Negative, LabelingOutcome.Labeled)]
    [InlineData("...spam", PseudoLabel.Positive, LabelingOutcome.Labeled)]
    [InlineData("I'm sorry, I can't help with that.", PseudoLabel.Abstained, LabelingOutcome.Refused)]
    [InlineData("unsure", PseudoLabel.Abstained, LabelingOutcome.Abstained)]
    [InlineData("lorem ipsum dolor", PseudoLabel.Abstained, LabelingOutcome.Unreadable)]
    [InlineData("", PseudoLabel.Abstained, LabelingOutcome.Unreadable)]
    public async Task LabelAsync_AnswerFormats_MapsOrAbstainsKeepingRawText(string answer, PseudoLabel label, LabelingOutcome outcome)
    {
        using var client = new TestChatClient { GetResponseAsyncCallback = (_, _, _) => Task.FromResult(TestChatClient.Answer(answer)) };

        var result = (await new ChatClientPseudoLabeler(client, Options()).LabelAsync(Items(1)))[0];

        Assert.Equal(label, result.Label);
        Assert.Equal(outcome, result.Outcome);
        Assert.Equal(answer, result.RawAnswer);
        Assert.Equal(1, client.Calls);
    }

    [Fact]
    public async Task LabelAsync_TransientExceptionsThenAnswer_RetriesAndLabels()
    {
        var attempts = new ConcurrentDictionary<string, int>();
        using var client = new TestChatClient
        {
            GetResponseAsyncCallback = (messages, _, _) =>
            {
                string text = TestChatClient.ItemText(messages);
                int attempt = attempts.AddOrUpdate(text, 1, (_, n) => n + 1);
                return attempt switch
                {
                    1 => throw new HttpRequestException("busy", null, HttpStatusCode.TooManyRequests),
                    2 => throw new HttpRequestException("down", null, HttpStatusCode.BadGateway),
                    _ => Task.FromResult(TestChatClient.Answer("spam")),
                };
            },
        };

        var results = await new ChatClientPseudoLabeler(client, Options()).LabelAsync(Items(5));

        Assert.All(results, r => Assert.Equal(PseudoLabel.Positive, r.Label));
        Assert.Equal(15, client.Calls);
    }

    [Fact]
    public async Task LabelAsync_TransientFailuresOutlastRetries_ItemFailsAbstainedAndRunContinues()
    {
        using var client = new TestChatClient
        {
            GetResponseAsyncCallback = (messages, _, _) => TestChatClient.ItemText(messages) == "comment 1"
                ? throw new HttpRequestException("down", null, HttpStatusCode.ServiceUnavailable)
                : Task.FromResult(TestChatClient.Answer("ham")),
        };
        var progress = new ListProgress();

        var results = await new ChatClientPseudoLabeler(client, Options(concurrency: 1)).LabelAsync(Items(3), progress);

        Assert.Equal(LabelingOutcome.Failed, results[1].Outcome);
        Assert.Equal(PseudoLabel.Abstained, results[1].Label);
        Assert.Contains("down", results[1].Error, StringComparison.Ordinal);
        Assert.Equal(PseudoLabel.Negative, results[0].Label);
        Assert.Equal(PseudoLabel.Negative, results[2].Label);
        Assert.Equal(1 + 4 + 1, client.Calls); // 1 try + 3 retries for the failing item
        var last = progress.Reports.MaxBy(p => p.Completed)!;
        Assert.Equal((3, 2, 0, 1, 6L), (last.Completed, last.Labeled, last.Abstained, last.Failed, last.Calls));
    }

    [Fact]
    public async Task LabelAsync_UnexpectedException_ItemFailsWithoutRetry()
    {
        using var client = new TestChatClient
        {
            GetResponseAsyncCallback = (messages, _, _) => TestChatClient.ItemText(messages) == "comment 0"
                ? throw new FormatException("bad body")
                : Task.FromResult(TestChatClient.Answer("ham")),
        };

        var results = await new ChatClientPseudoLabeler(client, Options()).LabelAsync(Items(2));

        Assert.Equal(LabelingOutcome.Failed, results[0].Outcome);
        Assert.Equal(PseudoLabel.Negative, results[1].Label);
        Assert.Equal(2, client.Calls);
    }

    [Theory]
    [InlineData(HttpStatusCode.Unauthorized, "API key")]
    [InlineData(HttpStatusCode.BadRequest, "UseStructuredOutput")]
    [InlineData(HttpStatusCode.NotFound, "model name")]
    public async Task LabelAsync_PermanentFailure_StopsRunWithAdvice(HttpStatusCode status, string advice)
    {
        using var client = new TestChatClient
        {
            GetResponseAsyncCallback = (_, _, _) => throw new HttpRequestException("rejected", null, status),
        };

        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => new ChatClientPseudoLabeler(client, Options(concurrency: 2, structured: true)).LabelAsync(Items(50)));

        Assert.Contains($"HTTP {(int)status}", error.Message, StringComparison.Ordinal);
        Assert.Contains(advice, error.Message, StringComparison.Ordinal);
        Assert.InRange(client.Calls, 1, 2); // no retries, and no new calls once it failed
    }

    [Fact]
    public async Task LabelAsync_SlowAnswers_NeverExceedsMaxConcurrency()
    {
        // No clock: every call waits at a gate that opens once three calls are in flight at the same time.
        var full = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        TestChatClient? client = null;
        client = new TestChatClient
        {
            GetResponseAsyncCallback = async (_, _, token) =>
            {
                if (client!.InFlight >= 3)
                {
                    full.TrySetResult();
                }
                await full.Task.WaitAsync(token);
                return TestChatClient.Answer("ham");
            },
        };
        using (client)
        {
            var results = await new ChatClientPseudoLabeler(client, Options(concurrency: 3)).LabelAsync(Items(24));

            Assert.Equal(24, results.Count);
            Assert.Equal(3, client.MaxInFlight);
        }
    }

    [Fact]
    public async Task LabelAsync_AnswerSlowerThanAttemptTimeout_RetriedAsTransientAndCounted()
    {
        // The first call never answers; fake time moves on only while it is the one in flight.
        var attempts = 0;
        var time = new FakeTimeProvider();
        using var client = new TestChatClient
        {
            GetResponseAsyncCallback = async (_, _, token) =>
            {
                if (Interlocked.Increment(ref attempts) == 1)
                {
                    await Task.Delay(Timeout.Infinite, token);
                }
                return TestChatClient.Answer("spam", inputTokens: 7, outputTokens: 2);
            },
        };
        var options = Options();
        options.TimeProvider = time;
        options.AttemptTimeout = TimeSpan.FromSeconds(30);
        var progress = new ListProgress();

        var results = await FakeTimeDriver.RunAsync(new ChatClientPseudoLabeler(client, options).LabelAsync(Items(1), progress), time,
            idle: () => client.InFlight == 0 || Volatile.Read(ref attempts) == 1, step: TimeSpan.FromSeconds(1), limit: TimeSpan.FromMinutes(5));

        Assert.Equal(PseudoLabel.Positive, results[0].Label);
        Assert.Equal(2, client.Calls);
        var last = progress.Reports.MaxBy(p => (p.Completed, p.Calls))!;
        Assert.Equal((2L, 1L, 1L, 1L), (last.Calls, last.Answers, last.TimedOutAttempts, last.Retries.Timeout));
        Assert.Equal((7L, 2L), (last.InputTokens, last.OutputTokens));
        Assert.True(last.Elapsed >= TimeSpan.FromSeconds(30), $"Elapsed {last.Elapsed} on the fake clock.");
    }

    [Fact]
    public async Task LabelAsync_AttemptTimeout_NotReachedBeforeItsTime()
    {
        // On a fake clock: 29.9 s after the call started nothing has been retried; at 30 s the call is abandoned.
        var time = new FakeTimeProvider();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var client = new TestChatClient
        {
            GetResponseAsyncCallback = async (_, _, token) =>
            {
                started.TrySetResult();
                await Task.Delay(Timeout.Infinite, token);
                return TestChatClient.Answer("spam");
            },
        };
        var options = Options();
        options.TimeProvider = time;
        options.MaxRetryAttempts = 0;
        options.AttemptTimeout = TimeSpan.FromSeconds(30);

        var run = new ChatClientPseudoLabeler(client, options).LabelAsync(Items(1));
        await started.Task;
        time.Advance(TimeSpan.FromSeconds(29.9));
        Assert.False(run.IsCompleted);
        Assert.Equal(1, client.InFlight);
        time.Advance(TimeSpan.FromSeconds(0.1));
        var results = await run;

        Assert.Equal(LabelingOutcome.Failed, results[0].Outcome);
        Assert.Equal(1, client.Calls);
    }

    [Fact]
    public async Task LabelAsync_MalformedResponseThenAnswer_RetriedWithinTheRun()
    {
        var attempts = new ConcurrentDictionary<string, int>();
        using var client = new TestChatClient
        {
            GetResponseAsyncCallback = (messages, _, _) =>
                attempts.AddOrUpdate(TestChatClient.ItemText(messages), 1, (_, n) => n + 1) == 1
                    ? throw new System.Text.Json.JsonException("'t' is an invalid start of a value.")
                    : Task.FromResult(TestChatClient.Answer("spam")),
        };
        var progress = new ListProgress();

        var results = await new ChatClientPseudoLabeler(client, Options()).LabelAsync(Items(3), progress);

        Assert.All(results, r => Assert.Equal(LabelingOutcome.Labeled, r.Outcome));
        Assert.Equal(6, client.Calls);
        Assert.Equal(3, progress.Reports.MaxBy(p => (p.Completed, p.Calls))!.Retries.Malformed);
    }

    [Fact]
    public async Task LabelAsync_MalformedResponsesOutlastRetries_ItemFailsAfterBoundedRetries()
    {
        using var client = new TestChatClient
        {
            GetResponseAsyncCallback = (_, _, _) => throw new System.Text.Json.JsonException("truncated"),
        };

        var results = await new ChatClientPseudoLabeler(client, Options()).LabelAsync(Items(1));

        Assert.Equal(LabelingOutcome.Failed, results[0].Outcome);
        Assert.Equal(1 + 3, client.Calls);
    }

    [Fact]
    public async Task LabelAsync_ProviderReportsUsage_TokensSummedAndStoredForTheRerun()
    {
        string path = Path.Combine(_directory, "tokens.jsonl");
        using var client = new TestChatClient
        {
            GetResponseAsyncCallback = (_, _, _) => Task.FromResult(TestChatClient.Answer("spam", inputTokens: 40, outputTokens: 3)),
        };
        var progress = new ListProgress();
        using (var store = new JsonlAnnotationStore(path))
        {
            await new ChatClientPseudoLabeler(client, Options(store: store)).LabelAsync(Items(4), progress);
        }
        var first = progress.Reports.MaxBy(p => (p.Completed, p.Calls))!;

        IReadOnlyList<PseudoLabelResult> rerun;
        using (var store = new JsonlAnnotationStore(path))
        {
            rerun = await new ChatClientPseudoLabeler(client, Options(store: store)).LabelAsync(Items(6));
        }

        Assert.Equal((4L, 160L, 12L), (first.Answers, first.InputTokens, first.OutputTokens));
        Assert.Equal(6 * 40, rerun.Sum(r => r.InputTokens));
        Assert.Equal(6 * 3, rerun.Sum(r => r.OutputTokens));
        Assert.Equal(6, client.Calls);
    }

    [Fact]
    public async Task LabelAsync_ConnectionRefusedWrappedByClientRetries_StopsRunAsUnreachable()
    {
        // What the OpenAI client throws against a closed port with its own retries on: an AggregateException
        // ("Retry failed after 4 tries") of ClientResultExceptions with status 0 around the HttpRequestException.
        using var client = new TestChatClient
        {
            GetResponseAsyncCallback = (_, _, _) => throw new AggregateException("Retry failed after 4 tries.",
                new System.ClientModel.ClientResultException("Connection refused (127.0.0.1:9)",
                    innerException: new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused (127.0.0.1:9)",
                        new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.ConnectionRefused)))),
        };

        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => new ChatClientPseudoLabeler(client, Options(concurrency: 1)).LabelAsync(Items(5)));

        Assert.Contains("cannot be reached", error.Message, StringComparison.Ordinal);
        Assert.Contains("Connection refused", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, client.Calls);
    }

    [Fact]
    public async Task LabelAsync_CanceledMidway_ThrowsAndRerunPaysOnlyForTheRest()
    {
        string path = Path.Combine(_directory, "cancel.jsonl");
        using var cts = new CancellationTokenSource();
        var answered = 0;
        using var client = new TestChatClient
        {
            GetResponseAsyncCallback = async (messages, _, token) =>
            {
                await Task.Yield();
                if (Interlocked.Increment(ref answered) == 10)
                {
                    await cts.CancelAsync();
                }
                return TestChatClient.Answer(IsSpam(TestChatClient.ItemText(messages)) ? "spam" : "ham");
            },
        };
        var items = Items(40);
        int firstRunCalls;
        using (var store = new JsonlAnnotationStore(path))
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(
                () => new ChatClientPseudoLabeler(client, Options(concurrency: 4, store: store)).LabelAsync(items, cts.Token));
            firstRunCalls = client.Calls;
        }

        using (var store = new JsonlAnnotationStore(path))
        {
            var stored = await store.LoadAsync(new ChatClientPseudoLabeler(client, Options(store: store)).KeySpace);
            var results = await new ChatClientPseudoLabeler(client, Options(concurrency: 4, store: store)).LabelAsync(items);

            Assert.InRange(stored.Count, 9, firstRunCalls); // the 10th answer may race the cancellation
            Assert.Equal(items.Count - stored.Count, client.Calls - firstRunCalls); // nothing stored is asked again
            Assert.All(results, r => Assert.Equal(IsSpam(items.Single(i => i.Id == r.Id).Text) ? PseudoLabel.Positive : PseudoLabel.Negative, r.Label));
            Assert.True(client.Calls <= items.Count + 4, $"{client.Calls} calls for {items.Count} items: more than the calls in flight were lost.");
        }
        AssertEachIdOnce(path, 40);
    }

    [Fact]
    public async Task LabelAsync_StoreTornMidLine_ResumesAndStoresEveryItemExactlyOnce()
    {
        string path = Path.Combine(_directory, "torn.jsonl");
        using var client = new TestChatClient
        {
            GetResponseAsyncCallback = (messages, _, _) =>
                Task.FromResult(TestChatClient.Answer(IsSpam(TestChatClient.ItemText(messages)) ? "spam" : "ham")),
        };
        var items = Items(30);
        using (var store = new JsonlAnnotationStore(path))
        {
            await new ChatClientPseudoLabeler(client, Options(store: store)).LabelAsync(items.Take(16).ToList());
        }
        // A crash in the middle of writing the 16th line: cut the file inside its last line.
        var bytes = File.ReadAllBytes(path);
        int lastLineStart = Array.LastIndexOf(bytes, (byte)'\n', bytes.Length - 2) + 1;
        File.WriteAllBytes(path, bytes[..(lastLineStart + (bytes.Length - lastLineStart) / 2)]);

        using (var store = new JsonlAnnotationStore(path))
        {
            var results = await new ChatClientPseudoLabeler(client, Options(store: store)).LabelAsync(items);

            Assert.Equal(16 + 15, client.Calls); // the torn item is asked again, the 15 intact ones are not
            Assert.Equal(30, results.Count);
            Assert.All(results, r => Assert.NotEqual(PseudoLabel.Abstained, r.Label));
        }
        AssertEachIdOnce(path, 30);
    }

    [Fact]
    public async Task LabelAsync_PromptChanged_StartsNewKeySpace()
    {
        string path = Path.Combine(_directory, "keys.jsonl");
        using var client = new TestChatClient { GetResponseAsyncCallback = (_, _, _) => Task.FromResult(TestChatClient.Answer("spam")) };
        using var store = new JsonlAnnotationStore(path);
        var first = new ChatClientPseudoLabeler(client, Options(store: store));
        var changed = Options(store: store);
        changed.Instruction = "Is this comment advertising?";
        var second = new ChatClientPseudoLabeler(client, changed);
        var sameAsFirst = new ChatClientPseudoLabeler(client, Options(store: store));
        var otherModel = new ChatClientPseudoLabeler(new TestChatClient { ModelId = "other" }, Options(store: store));

        await first.LabelAsync(Items(5));
        await second.LabelAsync(Items(5));
        await sameAsFirst.LabelAsync(Items(5));

        Assert.NotEqual(first.KeySpace, second.KeySpace);
        Assert.NotEqual(first.KeySpace, otherModel.KeySpace);
        Assert.Equal(first.KeySpace, sameAsFirst.KeySpace);
        Assert.Equal(10, client.Calls);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task LabelAsync_UnderUseDistributedCache_SecondRunServedFromCache(bool structured)
    {
        using var client = new TestChatClient
        {
            GetResponseAsyncCallback = (messages, _, _) =>
                Task.FromResult(TestChatClient.Answer(IsSpam(TestChatClient.ItemText(messages)) ? "spam" : "ham")),
        };
        var cache = new DictionaryDistributedCache();
        using IChatClient cached = new ChatClientBuilder(client).UseDistributedCache(cache).Build();
        var labeler = new ChatClientPseudoLabeler(cached, Options(structured: structured));

        var first = await labeler.LabelAsync(Items(10));
        var second = await labeler.LabelAsync(Items(10));

        Assert.Equal(10, client.Calls);
        Assert.Equal(10, cache.Count);
        Assert.Equal(first, second);
    }

    [Fact]
    public async Task LabelAsync_DuplicateIds_ThrowsArgumentException()
    {
        using var client = new TestChatClient();
        var labeler = new ChatClientPseudoLabeler(client, Options());

        var error = await Assert.ThrowsAsync<ArgumentException>(
            () => labeler.LabelAsync([new LabelingItem("a", "x"), new LabelingItem("a", "y")]));

        Assert.Equal("items", error.ParamName);
        Assert.Equal(0, client.Calls);
    }

    private static void AssertEachIdOnce(string path, int count)
    {
        var ids = File.ReadAllLines(path)
            .Select(line => System.Text.Json.JsonDocument.Parse(line).RootElement.GetProperty("id").GetString())
            .ToList();
        Assert.Equal(count, ids.Count);
        Assert.Equal(count, ids.Distinct().Count());
    }

    private sealed class ListProgress : IProgress<LabelingProgress>
    {
        private readonly ConcurrentQueue<LabelingProgress> _reports = new();

        public IReadOnlyCollection<LabelingProgress> Reports => _reports;

        public void Report(LabelingProgress value) => _reports.Enqueue(value);
    }
}
