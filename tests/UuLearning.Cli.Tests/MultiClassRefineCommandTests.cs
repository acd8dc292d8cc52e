using System.Text.Json;

namespace UuLearning.Cli.Tests;

public sealed class MultiClassRefineCommandTests : TempFolderTest
{
    private static readonly string[] Classes = ["bird", "fish", "tree"];

    private static readonly string[][] Words =
    [
        ["wing", "feather", "nest", "beak", "sky"],
        ["fin", "scale", "river", "gill", "swim"],
        ["leaf", "root", "bark", "branch", "forest"],
    ];

    /// <summary>Texts built from their class's words plus shared filler; a labeler wrong on a quarter of the items.</summary>
    private string WriteData(int n, int seed, bool upperCaseLabels = false)
    {
        var rng = new Random(seed);
        var lines = new List<string> { "id,text,gold,llm" };
        for (int i = 0; i < n; i++)
        {
            int y = i % 3;
            var words = Enumerable.Range(0, 6).Select(_ => rng.NextDouble() < 0.6 ? Words[y][rng.Next(5)] : "the day was long").ToArray();
            int noisy = rng.NextDouble() < 0.25 ? (y + 1 + rng.Next(2)) % 3 : y;
            lines.Add($"r{i},{string.Join(' ', words)},{Classes[y]},{(upperCaseLabels ? Classes[noisy].ToUpperInvariant() : Classes[noisy])}");
        }
        string path = PathOf("data.csv");
        File.WriteAllLines(path, lines);
        return path;
    }

    [Trait("Category", "Slow")]
    [Fact]
    public async Task Refine_ClassNamesInTheLabelColumn_RunsKClassAndWritesClassNames()
    {
        string input = WriteData(240, 3);
        var run = await CliRun.RunAsync("refine", "--input", input, "--label-column", "llm", "--gold-column", "gold", "--labeled", "45",
            "--rounds", "1", "--output", PathOf("out.csv"), "--report", PathOf("report.json"), "--review", PathOf("review.csv"), "--review-count", "7");

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("3 classes: bird, fish, tree", run.Output, StringComparison.Ordinal);
        var rows = TestData.ParseCsv(PathOf("out.csv"));
        Assert.Equal(["id", "initial", "refined", "confidence", "changed", "labeled", "p_bird", "p_fish", "p_tree"], rows[0]);
        Assert.Equal(241, rows.Count);
        var gold = File.ReadAllLines(input).Skip(1).Select(l => l.Split(',')[2]).ToArray();
        int labeled = 0;
        for (int i = 1; i < rows.Count; i++)
        {
            Assert.Contains(rows[i][2], Classes);
            if (rows[i][5] == "1")
            {
                labeled++;
                Assert.Equal(gold[i - 1], rows[i][2]);
            }
        }
        Assert.Equal(45, labeled);
        Assert.Equal(8, File.ReadAllLines(PathOf("review.csv")).Length);
        using var report = JsonDocument.Parse(File.ReadAllText(PathOf("report.json")));
        Assert.Equal("uulearning.refine-multiclass/1", report.RootElement.GetProperty("schema").GetString());
        Assert.Equal(3, report.RootElement.GetProperty("rounds")[0].GetProperty("theta").GetArrayLength());
    }

    [Fact]
    public async Task Refine_ClassesFlagWithAnUnknownLabel_FailsNamingTheRowAndTheClasses()
    {
        string input = WriteData(30, 4, upperCaseLabels: true);
        var run = await CliRun.RunAsync("refine", "--input", input, "--label-column", "llm", "--gold-column", "gold", "--labeled", "20",
            "--classes", "bird,fish");
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("Unknown class 'TREE'", run.Error, StringComparison.Ordinal);
        Assert.Contains("the classes are bird, fish", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refine_ClassesWithPositive_IsAUsageError()
    {
        string input = WriteData(30, 5);
        var run = await CliRun.RunAsync("refine", "--input", input, "--label-column", "llm", "--gold-column", "gold", "--labeled", "20",
            "--classes", "bird,fish,tree", "--positive", "bird");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--classes", run.Error, StringComparison.Ordinal);
    }
}
