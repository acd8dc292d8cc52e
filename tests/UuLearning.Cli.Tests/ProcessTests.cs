using System.Diagnostics;

namespace UuLearning.Cli.Tests;

/// <summary>Runs the built tool as a separate process, as a user would.</summary>
[Trait("Category", "TimeSensitive")]
public sealed class ProcessTests : TempFolderTest
{
    private static async Task<(int ExitCode, string Output, string Error)> RunToolAsync(params string[] args)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "UuLearning.Cli.dll");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(dll);
        foreach (string a in args)
        {
            info.ArgumentList.Add(a);
        }
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10)); // a hang guard, not a speed bound
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }

    [Fact]
    public async Task Tool_Help_ListsBothCommands()
    {
        var (code, output, error) = await RunToolAsync("--help");
        Assert.True(code == 0, error);
        Assert.Contains("refine", output, StringComparison.Ordinal);
        Assert.Contains("annotate", output, StringComparison.Ordinal);
        Assert.Contains("uulearning [command] [options]", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tool_MissingFile_ExitsNonZeroWithOneLine()
    {
        var (code, output, error) = await RunToolAsync("refine", "--input", PathOf("missing.csv"), "--label-column", "l", "--labeled-file", PathOf("s.csv"));
        Assert.Equal(1, code);
        Assert.Equal(string.Empty, output);
        Assert.Equal($"error: Input file '{PathOf("missing.csv")}' does not exist.", error.TrimEnd('\n'));
    }

    [Trait("Category", "Slow")]
    [Fact]
    public async Task Tool_GoldenPath_RunsEndToEnd()
    {
        var data = TestData.Create(150, flipRate: 0.2, abstainRate: 0, seed: 11);
        string input = data.WriteCsv(PathOf("data.csv"));
        var (code, output, error) = await RunToolAsync("refine", "--input", input, "--label-column", "llm_label", "--gold-column", "gold",
            "--labeled", "40", "--rounds", "1", "--output", PathOf("out.csv"));
        Assert.True(code == 0, error);
        Assert.Contains("refined accuracy", output, StringComparison.Ordinal);
        Assert.Equal(151, File.ReadAllLines(PathOf("out.csv")).Length);
    }
}
