using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Time.Testing;
using UuLearning.Tests;

namespace UuLearning.Cli.Tests;

/// <summary>Progress on a redirected output (a pipe, a log file, CI): plain lines, at least one per 5 % of the work.</summary>
[Trait("Category", "TimeSensitive")]
public sealed partial class ProgressOutputTests : TempFolderTest
{
    private static string Truth(string text) => text.Contains("free", StringComparison.Ordinal) ? "spam" : "ham";

    [GeneratedRegex(@"(\d+)%")]
    private static partial Regex Percent();

    private static SortedSet<int> PercentagesOn(string output, string marker) =>
        new(output.Split('\n')
            .Where(l => l.Contains(marker, StringComparison.Ordinal))
            .SelectMany(l => Percent().Matches(l).Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture))));

    [Fact]
    public async Task Annotate_RedirectedOutput_PrintsALineAtEveryFivePercent()
    {
        var data = TestData.Create(40, flipRate: 0, abstainRate: 0, seed: 5);
        data.WriteCsv(PathOf("data.csv"));
        await using var server = new LoopbackOpenAIServer((text, _, structured) =>
            new LoopbackReply(Content: structured ? $"{{\"label\":\"{Truth(text)}\"}}" : Truth(text)));

        var run = await CliRun.RunAsync("annotate", "--input", PathOf("data.csv"), "--instruction", "Spam?", "--model", "m",
            "--positive", "spam", "--negative", "ham", "--endpoint", server.Endpoint.ToString(), "--concurrency", "1",
            "--output", PathOf("labeled.csv"));

        Assert.True(run.ExitCode == 0, run.Error);
        var seen = PercentagesOn(run.Output, "Labeling 40 texts");
        Assert.Superset(new SortedSet<int>(Enumerable.Range(1, 20).Select(k => 5 * k)), seen);
        Assert.DoesNotContain('\u001b', run.Output); // no terminal control sequences in a log
    }

    [Fact]
    public async Task Annotate_RedirectedOutputWhileAnAnswerIsPending_PrintsALineWhenTheClockAdvances()
    {
        var data = TestData.Create(10, flipRate: 0, abstainRate: 0, seed: 5);
        data.WriteCsv(PathOf("data.csv"));
        var firstRequest = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var release = new ManualResetEventSlim();
        await using var server = new LoopbackOpenAIServer((text, _, structured) =>
        {
            firstRequest.TrySetResult();
            release.Wait(TimeSpan.FromMinutes(1)); // held until the test has looked at the output
            return new LoopbackReply(Content: structured ? $"{{\"label\":\"{Truth(text)}\"}}" : Truth(text));
        });
        var time = new FakeTimeProvider();
        using var output = new StringWriter();
        using var error = new StringWriter();
        var app = new CliApp(TextWriter.Synchronized(output), TextWriter.Synchronized(error), _ => null, interactive: false, timeProvider: time);

        var run = app.RunAsync(["annotate", "--input", PathOf("data.csv"), "--instruction", "Spam?", "--model", "m",
            "--positive", "spam", "--negative", "ham", "--endpoint", server.Endpoint.ToString(), "--concurrency", "1",
            "--output", PathOf("labeled.csv")]);
        try
        {
            // Deterministic: the first request is held, so no item can finish and only the clock can print.
            await firstRequest.Task.WaitAsync(TimeSpan.FromMinutes(1));
            time.Advance(ProgressDisplay.DefaultInterval);
            string during = output.ToString();
            Assert.Contains("Labeling 10 texts with m: 0/10 (0%), 0:00 elapsed", during, StringComparison.Ordinal);
            Assert.Contains("Labeling 10 texts with m: 0/10 (0%), 0:05 elapsed", during, StringComparison.Ordinal);
        }
        finally
        {
            release.Set();
        }
        Assert.True(await run == 0, error.ToString());
        Assert.Contains("Labeling 10 texts with m: 10/10 (100%)", output.ToString(), StringComparison.Ordinal);
    }
}
