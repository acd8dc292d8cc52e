namespace UuLearning.Cli.Tests;

/// <summary>Every mistake a user will make: a non-zero exit code, one line on stderr, and no output file created or
/// overwritten.</summary>
public sealed class RefineErrorTests : TempFolderTest
{
    private static readonly TestData Data = TestData.Create(120, flipRate: 0.2, abstainRate: 0.05, seed: 3);

    private async Task<CliRun> RunExpectingFailureAsync(int expectedExitCode, params string[] args)
    {
        File.WriteAllText(PathOf("refined.csv"), "previous content");
        var run = await CliRun.RunAsync([.. args, "--output", PathOf("refined.csv"), "--report", PathOf("report.json"), "--chart", PathOf("chart.png")]);

        Assert.Equal(expectedExitCode, run.ExitCode);
        Assert.Single(run.ErrorLines);
        Assert.StartsWith("error: ", run.ErrorLines[0], StringComparison.Ordinal);
        Assert.Equal("previous content", File.ReadAllText(PathOf("refined.csv")));
        Assert.False(File.Exists(PathOf("report.json")));
        Assert.False(File.Exists(PathOf("chart.png")));
        Assert.Empty(Directory.GetFiles(Folder, "*.tmp"));
        return run;
    }

    [Fact]
    public async Task Refine_MissingInputFile_SaysSo()
    {
        var run = await RunExpectingFailureAsync(1, "refine", "--input", PathOf("nope.csv"), "--label-column", "llm_label",
            "--gold-column", "gold", "--labeled", "50");
        Assert.Contains("nope.csv' does not exist", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refine_MissingColumn_ListsTheColumnsThatExist()
    {
        string input = Data.WriteCsv(PathOf("data.csv"));
        var run = await RunExpectingFailureAsync(1, "refine", "--input", input, "--label-column", "gpt_label", "--gold-column", "gold", "--labeled", "50");
        Assert.Contains("Column 'gpt_label'", run.Error, StringComparison.Ordinal);
        Assert.Contains("Its columns are: id, text, gold, llm_label.", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refine_UnreadableLabel_ShowsFirstBadValueAndRow()
    {
        string input = Data.WriteCsv(PathOf("data.csv"), noisyOverride: i => i == 41 ? "maybe" : i == 70 ? "perhaps" : null!);
        var run = await RunExpectingFailureAsync(1, "refine", "--input", input, "--label-column", "llm_label", "--gold-column", "gold", "--labeled", "50");
        Assert.Contains("'maybe'", run.Error, StringComparison.Ordinal);
        Assert.Contains($"data row 42 (id '{Data.Ids[41]}')", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("perhaps", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refine_ClassNamesGiven_ReadsThemAndRejectsOthers()
    {
        string input = Data.WriteCsv(PathOf("data.csv"), noisyOverride: i => Data.Noisy[i] switch { "1" => "spam", "0" => i == 5 ? "SPAMMY" : "ham", _ => "" });
        var run = await RunExpectingFailureAsync(1, "refine", "--input", input, "--label-column", "llm_label", "--gold-column", "gold", "--labeled", "50",
            "--positive", "spam", "--negative", "ham");
        Assert.Contains("'SPAMMY'", run.Error, StringComparison.Ordinal);
        Assert.Contains("spam/ham", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refine_TooFewLabeledItemsOfOneClass_SaysWhichClass()
    {
        string input = Data.WriteCsv(PathOf("data.csv"), withGold: false);
        var positives = Enumerable.Range(0, Data.Ids.Length).Where(i => Data.Gold[i]).Take(20).ToArray();
        int negative = Array.FindIndex(Data.Gold, g => !g);
        File.WriteAllLines(PathOf("sample.csv"), ["id,gold", .. positives.Select(i => Data.Ids[i] + ",1"), Data.Ids[negative] + ",0"]);
        var run = await RunExpectingFailureAsync(1, "refine", "--input", input, "--label-column", "llm_label", "--labeled-file", PathOf("sample.csv"));
        Assert.Contains("Too few labeled items of one class", run.Error, StringComparison.Ordinal);
        Assert.Contains("20 positive and 1 negative", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refine_ThetaPAndThetaNIndistinguishable_Refuses()
    {
        // The noisy labels carry no information about the gold ones: exactly half of each gold class is labeled 1.
        var positives = Enumerable.Range(0, Data.Ids.Length).Where(i => Data.Gold[i]).Take(20).ToArray();
        var negatives = Enumerable.Range(0, Data.Ids.Length).Where(i => !Data.Gold[i]).Take(20).ToArray();
        var noisy = new string[Data.Ids.Length];
        for (int i = 0; i < noisy.Length; i++)
        {
            noisy[i] = i % 2 == 0 ? "1" : "0";
        }
        for (int k = 0; k < 20; k++)
        {
            noisy[positives[k]] = k % 2 == 0 ? "1" : "0";
            noisy[negatives[k]] = k % 2 == 0 ? "1" : "0";
        }
        string input = Data.WriteCsv(PathOf("data.csv"), withGold: false, noisyOverride: i => noisy[i]);
        File.WriteAllLines(PathOf("sample.csv"), ["id,gold", .. positives.Select(i => Data.Ids[i] + ",1"), .. negatives.Select(i => Data.Ids[i] + ",0")]);
        var run = await RunExpectingFailureAsync(1, "refine", "--input", input, "--label-column", "llm_label", "--labeled-file", PathOf("sample.csv"));
        Assert.Contains("The two pseudo-labeled sets are not distinguishable", run.Error, StringComparison.Ordinal);
        Assert.Contains("thetaP = 0.50", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refine_LabeledFileIdNotInInput_SaysWhichId()
    {
        string input = Data.WriteCsv(PathOf("data.csv"), withGold: false);
        File.WriteAllLines(PathOf("sample.csv"), ["id,gold", Data.Ids[0] + ",1", "ghost-7,0"]);
        var run = await RunExpectingFailureAsync(1, "refine", "--input", input, "--label-column", "llm_label", "--labeled-file", PathOf("sample.csv"));
        Assert.Contains("id 'ghost-7' is not in the input", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refine_MissingRequiredOption_IsAUsageError()
    {
        var run = await RunExpectingFailureAsync(2, "refine", "--input", PathOf("data.csv"));
        Assert.Contains("--label-column", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refine_LabeledWithoutGoldColumn_IsAUsageError()
    {
        string input = Data.WriteCsv(PathOf("data.csv"));
        var run = await RunExpectingFailureAsync(2, "refine", "--input", input, "--label-column", "llm_label", "--labeled", "50");
        Assert.Contains("--gold-column", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refine_UnknownFeatures_IsAUsageError()
    {
        string input = Data.WriteCsv(PathOf("data.csv"));
        var run = await RunExpectingFailureAsync(2, "refine", "--input", input, "--label-column", "llm_label", "--gold-column", "gold", "--labeled", "50",
            "--features", "word2vec");
        Assert.Contains("word2vec", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refine_OutputFolderMissing_FailsBeforeAnyWork()
    {
        string input = Data.WriteCsv(PathOf("data.csv"));
        var run = await CliRun.RunAsync("refine", "--input", input, "--label-column", "llm_label", "--gold-column", "gold", "--labeled", "50",
            "--output", Path.Combine(Folder, "no-such-folder", "out.csv"));
        Assert.Equal(1, run.ExitCode);
        Assert.Single(run.ErrorLines);
        Assert.Contains("does not exist", run.Error, StringComparison.Ordinal);
    }
}
