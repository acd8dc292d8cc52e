using System.Text.Json;
using Microsoft.Extensions.AI;

namespace UuLearning.Tests;

/// <summary>The K-class chat labeler: class-name answers, abstention, answers outside the classes, options, and a real HTTP round trip.</summary>
public sealed class ChatClientClassLabelerTests
{
    private static readonly string[] s_classes = ["left", "center", "right"];

    private static ChatClientClassLabelerOptions Options(bool structured = true, int retries = 2)
    {
        var options = new ChatClientClassLabelerOptions
        {
            Instruction = "What is the political leaning of this article?",
            UseStructuredOutput = structured,
            MaxConcurrency = 2,
            MaxRetryAttempts = retries,
            RetryBaseDelay = TimeSpan.Zero, // no waits: retries happen at once, whatever the clock
            RetryMaxDelay = TimeSpan.Zero,
            UseJitter = false,
            AttemptTimeout = TimeSpan.FromMinutes(5),
        };
        foreach (string name in s_classes)
        {
            options.ClassNames.Add(name);
        }
        return options;
    }

    private static List<LabelingItem> Items(params string[] texts) =>
        texts.Select((t, i) => new LabelingItem($"id{i}", t)).ToList();

    [Fact]
    public async Task LabelAsync_StructuredAnswers_GiveClassIndicesTokensAndRawAnswer()
    {
        ChatOptions? seen = null;
        using var client = new TestChatClient
        {
            GetResponseAsyncCallback = (messages, options, _) =>
            {
                seen = options;
                string text = TestChatClient.ItemText(messages);
                return Task.FromResult(TestChatClient.Answer($"{{\"label\":\"{text}\"}}", inputTokens: 40, outputTokens: 6));
            },
        };
        var labeler = new ChatClientClassLabeler(client, Options());

        var results = await labeler.LabelAsync(Items("right", "left", "center"));

        Assert.Equal([2, 0, 1], results.Select(r => r.ClassIndex));
        Assert.Equal(["id0", "id1", "id2"], results.Select(r => r.Id));
        Assert.All(results, r => Assert.Equal(LabelingOutcome.Labeled, r.Outcome));
        Assert.All(results, r => Assert.Equal((40L, 6L), (r.InputTokens!.Value, r.OutputTokens!.Value)));
        Assert.Equal("{\"label\":\"right\"}", results[0].RawAnswer);
        var format = Assert.IsType<ChatResponseFormatJson>(seen!.ResponseFormat);
        var labelEnum = format.Schema!.Value.GetProperty("properties").GetProperty("label").GetProperty("enum");
        Assert.Equal(["left", "center", "right", "unsure"], labelEnum.EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task LabelAsync_PromptNamesEveryClass()
    {
        IList<ChatMessage>? prompt = null;
        using var client = new TestChatClient
        {
            GetResponseAsyncCallback = (messages, _, _) => { prompt = messages; return Task.FromResult(TestChatClient.Answer("left")); },
        };

        await new ChatClientClassLabeler(client, Options(structured: false)).LabelAsync(Items("an article"));

        string system = prompt!.Single(m => m.Role == ChatRole.System).Text;
        Assert.Contains("What is the political leaning of this article?", system, StringComparison.Ordinal);
        Assert.Contains("\"left\", \"center\", \"right\"", system, StringComparison.Ordinal);
        Assert.Equal("an article", TestChatClient.ItemText(prompt!));
    }

    [Theory]
    [InlineData("{\"label\":\"RIGHT\"}", 2)]
    [InlineData("  Center. ", 1)]
    [InlineData("\"Left\"", 0)]
    [InlineData("{\"label\":\" center \"}", 1)]
    public async Task LabelAsync_ClassNameInAnyCase_IsMatched(string answer, int expected)
    {
        using var client = new TestChatClient { GetResponseAsyncCallback = (_, _, _) => Task.FromResult(TestChatClient.Answer(answer)) };

        var results = await new ChatClientClassLabeler(client, Options()).LabelAsync(Items("x"));

        Assert.Equal(expected, results[0].ClassIndex);
        Assert.Equal(LabelingOutcome.Labeled, results[0].Outcome);
    }

    [Theory]
    [InlineData("{\"label\":\"unsure\"}")]
    [InlineData("{\"label\":null}")]
    [InlineData("Unsure")]
    public async Task LabelAsync_UnsureOrNullLabel_IsAnAbstentionNotARetry(string answer)
    {
        using var client = new TestChatClient { GetResponseAsyncCallback = (_, _, _) => Task.FromResult(TestChatClient.Answer(answer)) };

        var results = await new ChatClientClassLabeler(client, Options()).LabelAsync(Items("x"));

        Assert.Equal(ClassLabelResult.Abstained, results[0].ClassIndex);
        Assert.Equal(LabelingOutcome.Abstained, results[0].Outcome);
        Assert.Equal(answer, results[0].RawAnswer);
        Assert.Equal(1, client.Calls);
    }

    [Fact]
    public async Task LabelAsync_AnswerOutsideTheClasses_IsRetriedThenFailed()
    {
        using var client = new TestChatClient
        {
            GetResponseAsyncCallback = (_, _, _) => Task.FromResult(TestChatClient.Answer("{\"label\":\"far-left\"}")),
        };

        var results = await new ChatClientClassLabeler(client, Options(retries: 2)).LabelAsync(Items("x"));

        Assert.Equal(ClassLabelResult.Abstained, results[0].ClassIndex);
        Assert.Equal(LabelingOutcome.Failed, results[0].Outcome);
        Assert.Contains("far-left", results[0].Error, StringComparison.Ordinal);
        Assert.Equal(3, client.Calls); // the first call and 2 retries
    }

    [Fact]
    public async Task LabelAsync_AnswerOutsideTheClassesOnce_IsRetriedAndLabeled()
    {
        int calls = 0;
        using var client = new TestChatClient
        {
            GetResponseAsyncCallback = (_, _, _) =>
                Task.FromResult(TestChatClient.Answer(Interlocked.Increment(ref calls) == 1 ? "I think it is liberal" : "{\"label\":\"left\"}")),
        };

        var results = await new ChatClientClassLabeler(client, Options()).LabelAsync(Items("x"));

        Assert.Equal(0, results[0].ClassIndex);
        Assert.Equal(LabelingOutcome.Labeled, results[0].Outcome);
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task LabelAsync_WithStore_SecondRunAsksNothingAndGetsTheSameClasses()
    {
        string directory = Directory.CreateTempSubdirectory("uulearning-classes-").FullName;
        try
        {
            string path = Path.Combine(directory, "store.jsonl");
            using var client = new TestChatClient
            {
                GetResponseAsyncCallback = (messages, _, _) => Task.FromResult(TestChatClient.Answer(
                    TestChatClient.ItemText(messages) == "hmm" ? "{\"label\":\"unsure\"}" : $"{{\"label\":\"{TestChatClient.ItemText(messages)}\"}}",
                    inputTokens: 30, outputTokens: 5)),
            };
            var items = Items("right", "hmm", "left");
            IReadOnlyList<ClassLabelResult> first;
            using (var store = new JsonlAnnotationStore(path))
            {
                var options = Options();
                options.Store = store;
                first = await new ChatClientClassLabeler(client, options).LabelAsync(items);
            }
            Assert.Equal(3, client.Calls);

            LabelingProgress? last = null;
            IReadOnlyList<ClassLabelResult> second;
            using (var store = new JsonlAnnotationStore(path))
            {
                var options = Options();
                options.Store = store;
                second = await new ChatClientClassLabeler(client, options).LabelAsync(items, new Progress(p => last = p));
            }

            Assert.Equal(3, client.Calls); // nothing asked again
            Assert.Equal([2, ClassLabelResult.Abstained, 0], second.Select(r => r.ClassIndex));
            Assert.Equal(first, second);
            Assert.Equal((3, 2, 1, 0L), (last!.FromStore, last.Labeled, last.Abstained, last.Calls));

            // Other class names are another key space: the stored answers are not reused.
            using (var store = new JsonlAnnotationStore(path))
            {
                var options = Options();
                options.ClassNames.Add("hmm");
                options.Store = store;
                _ = await new ChatClientClassLabeler(client, options).LabelAsync(items);
                Assert.Equal(6, client.Calls);
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Reports on the calling thread (no synchronization context hop), so the last report is seen before the run returns.</summary>
    private sealed class Progress(Action<LabelingProgress> report) : IProgress<LabelingProgress>
    {
        public void Report(LabelingProgress value) => report(value);
    }

    [Fact]
    public void Constructor_BadClassNames_ThrowNamingTheProperty()
    {
        using var client = new TestChatClient();
        var one = Options();
        one.ClassNames.Clear();
        one.ClassNames.Add("only");
        var duplicate = Options();
        duplicate.ClassNames.Add("Left");
        var empty = Options();
        empty.ClassNames[1] = " ";
        var unsure = Options();
        unsure.ClassNames[2] = "Unsure";

        Assert.Contains("ClassNames", Assert.ThrowsAny<ArgumentException>(() => new ChatClientClassLabeler(client, one)).Message, StringComparison.Ordinal);
        Assert.Contains("ClassNames[3]", Assert.ThrowsAny<ArgumentException>(() => new ChatClientClassLabeler(client, duplicate)).Message, StringComparison.Ordinal);
        Assert.Contains("ClassNames[1]", Assert.ThrowsAny<ArgumentException>(() => new ChatClientClassLabeler(client, empty)).Message, StringComparison.Ordinal);
        Assert.Contains("ClassNames[2]", Assert.ThrowsAny<ArgumentException>(() => new ChatClientClassLabeler(client, unsure)).Message, StringComparison.Ordinal);
        var noInstruction = Options();
        noInstruction.Instruction = "";
        Assert.Contains("Instruction", Assert.ThrowsAny<ArgumentException>(() => new ChatClientClassLabeler(client, noInstruction)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LabelAsync_LoopbackServer_SendsTheEnumSchemaOverHttpAndReadsTheClasses()
    {
        await using var server = new LoopbackOpenAIServer((text, attempt, structured) => text switch
        {
            "article 3" when attempt == 1 => new LoopbackReply(Content: "{\"label\":\"green\"}"), // outside the classes: asked again
            "article 4" => new LoopbackReply(Content: "{\"label\":\"unsure\"}"),
            _ => new LoopbackReply(Content: structured
                ? $"{{\"label\":\"{s_classes[int.Parse(text.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture) % 3]}\"}}"
                : "none"),
        }, maxRequests: 50);
        using var client = ChatClientPseudoLabelerTests.OpenAIClient(server.Endpoint);
        var items = Enumerable.Range(0, 6).Select(i => new LabelingItem($"id{i}", $"article {i}")).ToList();

        var results = await new ChatClientClassLabeler(client, Options()).LabelAsync(items);

        Assert.Equal([0, 1, 2, 0, ClassLabelResult.Abstained, 2], results.Select(r => r.ClassIndex));
        Assert.Equal(LabelingOutcome.Abstained, results[4].Outcome);
        Assert.Equal(7, server.Requests.Count); // 6 items, article 3 twice
        Assert.All(server.Requests, r =>
        {
            using var format = JsonDocument.Parse(r.ResponseFormat!);
            Assert.Equal("json_schema", format.RootElement.GetProperty("type").GetString());
            var schema = format.RootElement.GetProperty("json_schema").GetProperty("schema");
            Assert.Equal(["left", "center", "right", "unsure"],
                schema.GetProperty("properties").GetProperty("label").GetProperty("enum").EnumerateArray().Select(e => e.GetString()));
        });
    }
}
