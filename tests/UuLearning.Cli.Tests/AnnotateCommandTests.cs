using UuLearning.Tests;

namespace UuLearning.Cli.Tests;

[Trait("Category", "TimeSensitive")]
public sealed class AnnotateCommandTests : TempFolderTest
{
    private static readonly TestData Data = TestData.Create(12, flipRate: 0, abstainRate: 0, seed: 5);

    private static string Truth(string text) => text.Contains("free", StringComparison.Ordinal) ? "spam" : "ham";

    private string[] Args(Uri endpoint) =>
    [
        "annotate", "--input", PathOf("data.csv"), "--instruction", "Is this comment spam?", "--positive", "spam", "--negative", "ham",
        "--endpoint", endpoint.ToString(), "--concurrency", "1", "--output", PathOf("labeled.csv"),
    ];

    [Fact]
    public async Task Annotate_InterruptedThenRerun_ContinuesWhereItStopped()
    {
        Data.WriteCsv(PathOf("data.csv"));
        var env = new Dictionary<string, string> { ["UULEARNING_MODEL"] = "test-model" };

        // First run: the endpoint rejects the key after five answers (a permanent error stops the run).
        int answered = 0;
        await using (var broken = new LoopbackOpenAIServer((text, _, structured) => Interlocked.Increment(ref answered) <= 5
            ? new LoopbackReply(Content: structured ? $"{{\"label\":\"{Truth(text)}\"}}" : Truth(text))
            : new LoopbackReply(401)))
        {
            var first = await CliRun.RunAsync(env, Args(broken.Endpoint));
            Assert.Equal(1, first.ExitCode);
            Assert.Single(first.ErrorLines);
            Assert.Contains("run again to continue", first.Error, StringComparison.Ordinal);
            Assert.False(File.Exists(PathOf("labeled.csv")));
        }

        // Second run: only the remaining texts are sent.
        await using var healthy = new LoopbackOpenAIServer((text, _, structured) =>
            new LoopbackReply(Content: structured ? $"{{\"label\":\"{Truth(text)}\"}}" : Truth(text)));
        var second = await CliRun.RunAsync(env, Args(healthy.Endpoint));
        Assert.True(second.ExitCode == 0, second.Error);
        Assert.Equal(Data.Texts.Length - 5, healthy.Requests.Count);
        Assert.Contains("5 taken from the store", second.Output, StringComparison.Ordinal);

        var rows = TestData.ParseCsv(PathOf("labeled.csv"));
        Assert.Equal(["id", "text", "gold", "llm_label"], rows[0]);
        Assert.Equal(Data.Texts.Length + 1, rows.Count);
        for (int i = 0; i < Data.Texts.Length; i++)
        {
            Assert.Equal(Data.Ids[i], rows[i + 1][0]);
            Assert.Equal(Data.Texts[i], rows[i + 1][1]);
            Assert.Equal(Truth(Data.Texts[i]) == "spam" ? "1" : "0", rows[i + 1][3]);
        }
    }

    [Fact]
    public async Task Annotate_Classes_WritesClassNamesAbstainsOnUnsureAndResumesFromTheStore()
    {
        Data.WriteCsv(PathOf("data.csv"));
        string[] args =
        [
            "annotate", "--input", PathOf("data.csv"), "--instruction", "What kind of comment is this?", "--classes", "spam, ham ,promo",
            "--model", "m", "--concurrency", "1", "--output", PathOf("labeled.csv"),
        ];
        string unsureText = Data.Texts[0];
        string Reply(string text) => text == unsureText ? "{\"label\":\"unsure\"}" : $"{{\"label\":\"{Truth(text).ToUpperInvariant()}\"}}";

        // First run: the endpoint rejects the key after four answers.
        int answered = 0;
        await using (var broken = new LoopbackOpenAIServer((text, _, _) => Interlocked.Increment(ref answered) <= 4
            ? new LoopbackReply(Content: Reply(text))
            : new LoopbackReply(401)))
        {
            var first = await CliRun.RunAsync(null, [.. args, "--endpoint", broken.Endpoint.ToString()]);
            Assert.Equal(1, first.ExitCode);
            Assert.False(File.Exists(PathOf("labeled.csv")));
        }

        await using var healthy = new LoopbackOpenAIServer((text, _, _) => new LoopbackReply(Content: Reply(text)));
        var second = await CliRun.RunAsync(null, [.. args, "--endpoint", healthy.Endpoint.ToString()]);

        Assert.True(second.ExitCode == 0, second.Error);
        Assert.Equal(Data.Texts.Length - 4, healthy.Requests.Count);
        Assert.Contains("4 taken from the store", second.Output, StringComparison.Ordinal);
        Assert.All(healthy.Requests, r =>
        {
            using var format = System.Text.Json.JsonDocument.Parse(r.ResponseFormat!);
            var names = format.RootElement.GetProperty("json_schema").GetProperty("schema").GetProperty("properties").GetProperty("label").GetProperty("enum");
            Assert.Equal(["spam", "ham", "promo", "unsure"], names.EnumerateArray().Select(e => e.GetString()));
        });
        var rows = TestData.ParseCsv(PathOf("labeled.csv"));
        Assert.Equal(["id", "text", "gold", "llm_label"], rows[0]);
        for (int i = 0; i < Data.Texts.Length; i++)
        {
            Assert.Equal(i == 0 ? string.Empty : Truth(Data.Texts[i]), rows[i + 1][3]);
        }
    }

    [Fact]
    public async Task Annotate_ClassesRepeatedOrWithPositive_IsAUsageError()
    {
        Data.WriteCsv(PathOf("data.csv"));
        var run = await CliRun.RunAsync(null,
            ["annotate", "--input", PathOf("data.csv"), "--instruction", "Which?", "--classes", "a,b,A", "--model", "m", "--endpoint", "http://127.0.0.1:9/v1"]);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--classes", run.Error, StringComparison.Ordinal);
        Assert.Contains("ClassNames[2]", run.Error, StringComparison.Ordinal);

        var both = await CliRun.RunAsync(null,
            ["annotate", "--input", PathOf("data.csv"), "--instruction", "Which?", "--classes", "a,b,c", "--positive", "a", "--model", "m", "--endpoint", "http://127.0.0.1:9/v1"]);
        Assert.Equal(2, both.ExitCode);
        Assert.Contains("do not combine it with --positive/--negative", both.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Annotate_NewColumnName_AddedNextToTheInputColumns()
    {
        Data.WriteCsv(PathOf("data.csv"));
        await using var server = new LoopbackOpenAIServer((text, _, structured) =>
            new LoopbackReply(Content: structured ? $"{{\"label\":\"{Truth(text)}\"}}" : Truth(text)));
        var run = await CliRun.RunAsync(null, [.. Args(server.Endpoint), "--model", "m", "--label-column", "gpt_label", "--no-structured-output"]);
        Assert.True(run.ExitCode == 0, run.Error);
        var rows = TestData.ParseCsv(PathOf("labeled.csv"));
        Assert.Equal(["id", "text", "gold", "llm_label", "gpt_label"], rows[0]);
        Assert.All(server.Requests, r => Assert.False(r.HasResponseFormat));
    }

    [Fact]
    public async Task Annotate_NoModel_IsAUsageError()
    {
        Data.WriteCsv(PathOf("data.csv"));
        var run = await CliRun.RunAsync(null, [.. Args(new Uri("http://127.0.0.1:9/v1"))]);
        Assert.Equal(2, run.ExitCode);
        Assert.Single(run.ErrorLines);
        Assert.Contains("UULEARNING_MODEL", run.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(PathOf("labeled.csv")));
    }

    private static LoopbackReply Answer(string text, bool structured) =>
        new(Content: structured ? $"{{\"label\":\"{Truth(text)}\"}}" : Truth(text));

    private static int RequestsInSummary(string output)
    {
        var match = System.Text.RegularExpressions.Regex.Match(output, @"(\d+) HTTP requests");
        Assert.True(match.Success, output);
        return int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task Annotate_ClosedPort_FailsLoudlyWithOneLineAndNoOutput()
    {
        Data.WriteCsv(PathOf("data.csv"));
        int port;
        await using (var closed = new LoopbackOpenAIServer((_, _, _) => new LoopbackReply(200)))
        {
            port = closed.Port;
        }

        var run = await CliRun.RunAsync(null, [.. Args(new Uri($"http://127.0.0.1:{port}/v1")), "--model", "m"]);

        Assert.Equal(1, run.ExitCode);
        Assert.Single(run.ErrorLines);
        Assert.Contains("cannot be reached", run.Error, StringComparison.Ordinal);
        Assert.Contains("refused", run.Error, StringComparison.OrdinalIgnoreCase);
        Assert.False(File.Exists(PathOf("labeled.csv")));
    }

    [Fact]
    public async Task Annotate_EndpointAlways500_OneRequestPerAttemptAndFailsWithCountsThatMatchTheServer()
    {
        Data.WriteCsv(PathOf("data.csv"));
        // Retry-After: 0 keeps the labeler's backoff out of the test's running time.
        await using var server = new LoopbackOpenAIServer((_, _, _) => new LoopbackReply(500, RetryAfter: "0"));

        var run = await CliRun.RunAsync(null, [.. Args(server.Endpoint), "--model", "m"]);

        // One retry layer: the labeler's 1 + 5 attempts per text, each one HTTP request (not 4 by the OpenAI client's own retries).
        Assert.Equal(Data.Texts.Length * 6, server.Requests.Count);
        Assert.Equal(1, run.ExitCode);
        Assert.Single(run.ErrorLines);
        Assert.Contains("Every one of the 12 texts", run.Error, StringComparison.Ordinal);
        Assert.Contains($"{server.Requests.Count} HTTP requests", run.Error, StringComparison.Ordinal);
        Assert.Contains("60 after 5xx", run.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(PathOf("labeled.csv")));
    }

    [Fact]
    public async Task Annotate_KeyRejected_OneFullLineSayingToCheckTheKey()
    {
        Data.WriteCsv(PathOf("data.csv"));
        await using var server = new LoopbackOpenAIServer((_, _, _) => new LoopbackReply(401));

        var run = await CliRun.RunAsync(null, [.. Args(server.Endpoint), "--model", "m", "--api-key", "sk-secret-123"]);

        Assert.Equal(1, run.ExitCode);
        Assert.Single(run.ErrorLines);
        Assert.Contains("HTTP 401", run.Error, StringComparison.Ordinal);
        Assert.Contains("loopback error 401", run.Error, StringComparison.Ordinal); // the server's words, after the client's line break
        Assert.Contains("Check the API key", run.Error, StringComparison.Ordinal);
        Assert.Contains("run again to continue", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-secret-123", run.Error + run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Annotate_SomeTextsFail_PartialFailureCodeListsTheirIdsAndKeepsTheRest()
    {
        Data.WriteCsv(PathOf("data.csv"));
        string[] failing = [Data.Texts[2], Data.Texts[7]];
        await using var server = new LoopbackOpenAIServer((text, _, structured) => failing.Contains(text)
            ? new LoopbackReply(503, RetryAfter: "0")
            : Answer(text, structured));

        var run = await CliRun.RunAsync(null, [.. Args(server.Endpoint), "--model", "m", "--max-retries", "1"]);

        Assert.Equal(4, run.ExitCode);
        Assert.Single(run.ErrorLines);
        Assert.Contains($"2 of 12 texts failed", run.Error, StringComparison.Ordinal);
        Assert.Contains($"{Data.Ids[2]}, {Data.Ids[7]}", run.Error, StringComparison.Ordinal);
        Assert.Equal(Data.Texts.Length - 2, File.ReadAllLines(PathOf("labeled.csv.annotations.jsonl")).Length);
        Assert.Equal(server.Requests.Count, RequestsInSummary(run.Output));
        Assert.Equal(10 + 2 * 2, server.Requests.Count);
    }

    [Fact]
    public async Task Annotate_FaultsAndResume_SummaryCountsEqualServerRequestsAndTokensSurviveTheRerun()
    {
        Data.WriteCsv(PathOf("data.csv"));
        await using (var first = new LoopbackOpenAIServer((text, attempt, structured) => attempt switch
        {
            1 when text == Data.Texts[0] => new LoopbackReply(429, RetryAfter: "0"),
            1 when text == Data.Texts[1] => new LoopbackReply(502, RetryAfter: "0"),
            1 when text == Data.Texts[2] => new LoopbackReply(Malformed: true),
            _ when text == Data.Texts[3] => new LoopbackReply(401),
            _ => Answer(text, structured),
        }))
        {
            var stopped = await CliRun.RunAsync(null, [.. Args(first.Endpoint), "--model", "m"]);
            Assert.Equal(1, stopped.ExitCode);
            Assert.Contains($"{first.Requests.Count} HTTP requests were sent", stopped.Error, StringComparison.Ordinal);
        }

        await using var healed = new LoopbackOpenAIServer((text, _, structured) => Answer(text, structured));
        var run = await CliRun.RunAsync(null, [.. Args(healed.Endpoint), "--model", "m",
            "--price-input-per-million", "2", "--price-output-per-million", "8"]);

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal(healed.Requests.Count, RequestsInSummary(run.Output));
        Assert.Equal(Data.Texts.Length - 3, healed.Requests.Count); // the three answered before the 401 are not asked again
        // The loopback server reports 10 input and 1 output tokens per answer; the store keeps those of the first run.
        Assert.Contains("for all these texts (store included): 120 input, 12 output", run.Output, StringComparison.Ordinal);
        Assert.Contains("Tokens this run: 90 input, 9 output", run.Output, StringComparison.Ordinal);
        Assert.Contains("for all these texts: 0.000336", run.Output, StringComparison.Ordinal); // (120 * 2 + 12 * 8) / 1e6
    }

    [Fact]
    public async Task Annotate_DryRun_LabelsAFewEstimatesTheWholeFileAndWritesNoOutput()
    {
        Data.WriteCsv(PathOf("data.csv"));
        await using var server = new LoopbackOpenAIServer((text, _, structured) => Answer(text, structured));

        var run = await CliRun.RunAsync(null, [.. Args(server.Endpoint), "--model", "m", "--dry-run", "--dry-run-items", "3",
            "--price-input-per-million", "2", "--price-output-per-million", "8"]);

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal(3, server.Requests.Count);
        Assert.Equal(3, RequestsInSummary(run.Output));
        Assert.Contains("Estimate for all 12 texts (from 3 answers, without retries): 120 input tokens, 12 output tokens.", run.Output, StringComparison.Ordinal);
        Assert.Contains("Estimated cost: 0.000336", run.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(PathOf("labeled.csv")));
    }
}
