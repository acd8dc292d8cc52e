using System.Diagnostics;
using UuLearning.Tests;

namespace UuLearning.Cli.Tests;

/// <summary>No command ever writes over one of its inputs: not by the same path, not through a symbolic link (to the
/// file or to a folder on the way), not through a hard link.</summary>
public sealed class InputProtectionTests : TempFolderTest
{
    private static readonly TestData Data = TestData.Create(120, flipRate: 0.2, abstainRate: 0.05, seed: 3);

    private static string Truth(string text) => text.Contains("free", StringComparison.Ordinal) ? "spam" : "ham";

    private static LoopbackOpenAIServer AnsweringServer() =>
        new((text, _, structured) => new LoopbackReply(Content: structured ? $"{{\"label\":\"{Truth(text)}\"}}" : Truth(text)));

    private string[] RefineArgs(string input) =>
        ["refine", "--input", input, "--label-column", "llm_label", "--gold-column", "gold", "--labeled", "50", "--rounds", "1"];

    private static string[] AnnotateArgs(string input, Uri endpoint) =>
        ["annotate", "--input", input, "--instruction", "Is this comment spam?", "--positive", "spam", "--negative", "ham",
            "--endpoint", endpoint.ToString(), "--model", "m", "--concurrency", "1"];

    /// <summary>Runs the command, expects a usage error naming both flags, and checks that every file in the folder
    /// (the input above all) is byte for byte what it was and that no file appeared.</summary>
    private async Task<CliRun> RunExpectingRefusalAsync(string outputFlag, string inputFlag, params string[] args)
    {
        var before = Directory.GetFiles(Folder, "*", SearchOption.AllDirectories).ToDictionary(f => f, File.ReadAllBytes);
        var run = await CliRun.RunAsync(args);

        Assert.True(run.ExitCode == 2, $"exit {run.ExitCode}: {run.Error}");
        Assert.Single(run.ErrorLines);
        Assert.Contains(outputFlag, run.Error, StringComparison.Ordinal);
        Assert.Contains(inputFlag, run.Error, StringComparison.Ordinal);
        var after = Directory.GetFiles(Folder, "*", SearchOption.AllDirectories);
        Assert.Equal(before.Keys.Order(StringComparer.Ordinal), after.Order(StringComparer.Ordinal));
        foreach (var (file, bytes) in before)
        {
            Assert.Equal(bytes, File.ReadAllBytes(file));
        }
        return run;
    }

    private static void HardLink(string target, string link)
    {
        var info = new ProcessStartInfo("ln") { UseShellExecute = false, RedirectStandardError = true };
        info.ArgumentList.Add(target);
        info.ArgumentList.Add(link);
        using var process = Process.Start(info)!;
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, process.StandardError.ReadToEnd());
    }

    [Fact]
    public async Task Refine_OutputIsTheInput_RefusesAndLeavesTheInputUnchanged()
    {
        string input = Data.WriteCsv(PathOf("data.csv"));
        await RunExpectingRefusalAsync("--output", "--input", [.. RefineArgs(input), "--output", input]);
    }

    [Fact]
    public async Task Refine_OutputIsTheInputWrittenDifferently_Refuses()
    {
        string input = Data.WriteCsv(PathOf("data.csv"));
        Directory.CreateDirectory(PathOf("sub"));
        await RunExpectingRefusalAsync("--output", "--input", [.. RefineArgs(input), "--output", Path.Combine(Folder, "sub", "..", ".", "data.csv")]);
    }

    [Fact]
    public async Task Refine_OutputIsASymlinkToTheInput_Refuses()
    {
        string input = Data.WriteCsv(PathOf("data.csv"));
        File.CreateSymbolicLink(PathOf("link.csv"), input);
        await RunExpectingRefusalAsync("--output", "--input", [.. RefineArgs(input), "--output", PathOf("link.csv")]);
    }

    [Fact]
    public async Task Refine_InputIsASymlinkToTheOutput_Refuses()
    {
        string input = Data.WriteCsv(PathOf("data.csv"));
        File.CreateSymbolicLink(PathOf("link.csv"), input);
        await RunExpectingRefusalAsync("--output", "--input", [.. RefineArgs(PathOf("link.csv")), "--output", input]);
    }

    [Fact]
    public async Task Refine_OutputThroughASymlinkedFolder_Refuses()
    {
        Directory.CreateDirectory(PathOf("real"));
        string input = Data.WriteCsv(Path.Combine(Folder, "real", "data.csv"));
        Directory.CreateSymbolicLink(PathOf("alias"), PathOf("real"));
        await RunExpectingRefusalAsync("--output", "--input", [.. RefineArgs(input), "--output", Path.Combine(Folder, "alias", "data.csv")]);
    }

    [Fact]
    public async Task Refine_OutputIsAHardLinkToTheInput_Refuses()
    {
        string input = Data.WriteCsv(PathOf("data.csv"));
        HardLink(input, PathOf("twin.csv"));
        await RunExpectingRefusalAsync("--output", "--input", [.. RefineArgs(input), "--output", PathOf("twin.csv")]);
    }

    [Fact]
    public async Task Refine_ReportIsTheInput_Refuses()
    {
        string input = Data.WriteCsv(PathOf("data.csv"));
        await RunExpectingRefusalAsync("--report", "--input", [.. RefineArgs(input), "--report", input]);
    }

    [Fact]
    public async Task Refine_ChartIsTheLabeledFile_Refuses()
    {
        string input = Data.WriteCsv(PathOf("data.csv"), withGold: false);
        File.WriteAllLines(PathOf("sample.csv"), ["id,gold", .. Enumerable.Range(0, 40).Select(i => $"{Data.Ids[i]},{(Data.Gold[i] ? 1 : 0)}")]);
        await RunExpectingRefusalAsync("--chart", "--labeled-file",
            "refine", "--input", input, "--label-column", "llm_label", "--labeled-file", PathOf("sample.csv"), "--rounds", "1", "--chart", PathOf("sample.csv"));
    }

    [Fact]
    public async Task Refine_OutputIsTheReport_Refuses()
    {
        string input = Data.WriteCsv(PathOf("data.csv"));
        await RunExpectingRefusalAsync("--output", "--report", [.. RefineArgs(input), "--output", PathOf("out"), "--report", PathOf("out")]);
    }

    [Fact]
    [Trait("Category", "TimeSensitive")]
    public async Task Annotate_OutputIsTheInput_Refuses()
    {
        string input = Data.WriteCsv(PathOf("data.csv"));
        await using var server = AnsweringServer();
        await RunExpectingRefusalAsync("--output", "--input", [.. AnnotateArgs(input, server.Endpoint), "--output", input]);
        Assert.Empty(server.Requests);
    }

    [Fact]
    [Trait("Category", "TimeSensitive")]
    public async Task Annotate_OutputIsASymlinkToTheInput_Refuses()
    {
        string input = Data.WriteCsv(PathOf("data.csv"));
        File.CreateSymbolicLink(PathOf("link.csv"), input);
        await using var server = AnsweringServer();
        await RunExpectingRefusalAsync("--output", "--input", [.. AnnotateArgs(input, server.Endpoint), "--output", PathOf("link.csv")]);
        Assert.Empty(server.Requests);
    }

    [Fact]
    [Trait("Category", "TimeSensitive")]
    public async Task Annotate_OutputIsAHardLinkToTheInput_Refuses()
    {
        string input = Data.WriteCsv(PathOf("data.csv"));
        HardLink(input, PathOf("twin.csv"));
        await using var server = AnsweringServer();
        await RunExpectingRefusalAsync("--output", "--input", [.. AnnotateArgs(input, server.Endpoint), "--output", PathOf("twin.csv")]);
        Assert.Empty(server.Requests);
    }

    [Fact]
    [Trait("Category", "TimeSensitive")]
    public async Task Annotate_StoreIsTheInput_Refuses()
    {
        string input = Data.WriteCsv(PathOf("data.csv"));
        await using var server = AnsweringServer();
        await RunExpectingRefusalAsync("--store", "--input",
            [.. AnnotateArgs(input, server.Endpoint), "--output", PathOf("labeled.csv"), "--store", input]);
        Assert.Empty(server.Requests);
    }

    [Fact]
    [Trait("Category", "TimeSensitive")]
    public async Task Annotate_OutputIsTheStore_Refuses()
    {
        string input = Data.WriteCsv(PathOf("data.csv"));
        await using var server = AnsweringServer();
        await RunExpectingRefusalAsync("--output", "--store",
            [.. AnnotateArgs(input, server.Endpoint), "--output", PathOf("labeled.csv"), "--store", PathOf("labeled.csv")]);
        Assert.Empty(server.Requests);
    }
}
