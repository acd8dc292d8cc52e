using UuLearning.Tests;

namespace UuLearning.Cli.Tests;

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
}
