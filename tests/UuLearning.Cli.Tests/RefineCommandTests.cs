using System.Globalization;
using System.Text.Json;

namespace UuLearning.Cli.Tests;

public sealed class RefineCommandTests : TempFolderTest
{
    private static readonly TestData Data = TestData.Create(300, flipRate: 0.25, abstainRate: 0.05, seed: 7);

    [Trait("Category", "Slow")]
    [Fact]
    public async Task Refine_GoldenPath_WritesRowsInInputOrderReportAndChart()
    {
        string input = Data.WriteCsv(PathOf("data.csv"));
        var run = await CliRun.RunAsync("refine", "--input", input, "--label-column", "llm_label", "--gold-column", "gold",
            "--labeled", "60", "--seed", "1", "--rounds", "3", "--output", PathOf("refined.csv"), "--report", PathOf("report.json"),
            "--chart", PathOf("rounds.png"));

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal(string.Empty, run.Error);
        Assert.Contains("Rounds", run.Output, StringComparison.Ordinal);
        Assert.Contains("refined accuracy", run.Output, StringComparison.Ordinal);

        var rows = TestData.ParseCsv(PathOf("refined.csv"));
        Assert.Equal(["id", "initial", "refined", "posterior", "score", "changed", "labeled"], rows[0]);
        Assert.Equal(Data.Ids.Length, rows.Count - 1);
        int correctInitial = 0, correctRefined = 0, outside = 0, labeled = 0;
        for (int i = 0; i < Data.Ids.Length; i++)
        {
            var row = rows[i + 1];
            Assert.Equal(Data.Ids[i], row[0]);
            Assert.Equal(Data.Noisy[i], row[1]);
            Assert.Contains(row[2], new[] { "0", "1" });
            double posterior = double.Parse(row[3], CultureInfo.InvariantCulture);
            Assert.Equal(posterior > 0.5 ? "1" : "0", row[2]);
            Assert.True(float.IsFinite(float.Parse(row[4], CultureInfo.InvariantCulture)));
            Assert.Equal(row[1] != row[2] ? "1" : "0", row[5]);
            if (row[6] == "1")
            {
                // The labeled sample: its gold label is returned, and it is left out of the accuracy.
                labeled++;
                Assert.Equal(Data.Gold[i] ? "1" : "0", row[2]);
                continue;
            }
            outside++;
            correctInitial += (Data.Noisy[i] == "1") == Data.Gold[i] ? 1 : 0;
            correctRefined += (row[2] == "1") == Data.Gold[i] ? 1 : 0;
        }
        Assert.Equal(60, labeled);

        using var report = JsonDocument.Parse(File.ReadAllText(PathOf("report.json")));
        var root = report.RootElement;
        double initialAccuracy = (double)correctInitial / outside;
        double finalAccuracy = (double)correctRefined / outside;
        Assert.Equal(outside, root.GetProperty("goldItems").GetInt32());
        Assert.Equal(initialAccuracy, root.GetProperty("initial").GetProperty("accuracy").GetDouble(), 9);
        Assert.Equal(finalAccuracy, root.GetProperty("final").GetProperty("accuracy").GetDouble(), 9);
        Assert.True(finalAccuracy > initialAccuracy + 0.1, $"refined {finalAccuracy:0.000} vs initial {initialAccuracy:0.000}");

        byte[] png = File.ReadAllBytes(PathOf("rounds.png"));
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
        Assert.Equal(3, Directory.GetFiles(Folder).Length - 1); // data.csv + three outputs, no temporary files left
    }

    [Trait("Category", "Slow")]
    [Fact]
    public async Task Refine_Report_FollowsTheDocumentedSchema()
    {
        string input = Data.WriteCsv(PathOf("data.csv"));
        var run = await CliRun.RunAsync("refine", "--input", input, "--label-column", "llm_label", "--gold-column", "gold",
            "--labeled", "50", "--rounds", "2", "--report", PathOf("report.json"));
        Assert.True(run.ExitCode == 0, run.Error);

        using var report = JsonDocument.Parse(File.ReadAllText(PathOf("report.json")));
        var root = report.RootElement;
        Assert.Equal("uulearning.refine/1", root.GetProperty("schema").GetString());
        Assert.Equal(300, root.GetProperty("items").GetInt32());
        Assert.Equal(Data.Noisy.Count(n => n.Length == 0), root.GetProperty("abstained").GetInt32());
        var sample = root.GetProperty("labeledSample");
        Assert.Equal(50, sample.GetProperty("size").GetInt32());
        Assert.Equal(50, sample.GetProperty("positives").GetInt32() + sample.GetProperty("negatives").GetInt32());
        Assert.StartsWith("hashing", root.GetProperty("features").GetString(), StringComparison.Ordinal);
        Assert.Equal("robust-uu", root.GetProperty("loss").GetString());
        Assert.Equal("few-label", root.GetProperty("priors").GetString());
        Assert.False(root.TryGetProperty("researchSetting", out _));
        Assert.Equal("do-no-harm", root.GetProperty("selection").GetString());
        Assert.Equal(5, root.GetProperty("folds").GetInt32());
        Assert.Equal("gold", root.GetProperty("goldColumn").GetString());
        Assert.Equal(250, root.GetProperty("goldItems").GetInt32());
        var rounds = root.GetProperty("rounds").EnumerateArray().ToArray();
        Assert.InRange(rounds.Length, 1, 2);
        for (int r = 0; r < rounds.Length; r++)
        {
            var round = rounds[r];
            Assert.Equal(r + 1, round.GetProperty("round").GetInt32());
            foreach (string name in new[] { "thetaP", "thetaN", "pi", "sampleAgreement" })
            {
                var interval = round.GetProperty(name);
                double value = interval.GetProperty("value").GetDouble();
                Assert.InRange(value, interval.GetProperty("lower").GetDouble() - 1e-9, interval.GetProperty("upper").GetDouble() + 1e-9);
                Assert.InRange(value, 0, 1);
            }
            Assert.True(round.GetProperty("flips").GetInt32() >= 0);
            Assert.True(round.GetProperty("seconds").GetDouble() >= 0);
            var estimate = round.GetProperty("estimatedAccuracy");
            Assert.InRange(estimate.GetProperty("value").GetDouble(), estimate.GetProperty("lower").GetDouble(), estimate.GetProperty("upper").GetDouble());
            var gain = round.GetProperty("estimatedGain");
            Assert.InRange(gain.GetProperty("value").GetDouble(), gain.GetProperty("lower").GetDouble(), gain.GetProperty("upper").GetDouble());
            Assert.True(round.TryGetProperty("eligible", out _));
            Assert.InRange(round.GetProperty("accuracy").GetDouble(), 0, 1);
            Assert.InRange(round.GetProperty("f1").GetDouble(), 0, 1);
        }
        Assert.InRange(root.GetProperty("chosenRound").GetInt32(), 0, rounds.Length);
        Assert.False(string.IsNullOrEmpty(root.GetProperty("selectionDetail").GetString()));
        foreach (string name in new[] { "estimatedAccuracy", "initialEstimatedAccuracy" })
        {
            var interval = root.GetProperty(name);
            Assert.InRange(interval.GetProperty("value").GetDouble(), interval.GetProperty("lower").GetDouble(), interval.GetProperty("upper").GetDouble());
        }
        Assert.InRange(root.GetProperty("initialSampleAgreement").GetDouble(), 0, 1);
        Assert.False(string.IsNullOrEmpty(root.GetProperty("stopReason").GetString()));
        Assert.InRange(root.GetProperty("final").GetProperty("f1").GetDouble(), 0, 1);
    }

    [Trait("Category", "Slow")]
    [Fact]
    public async Task Refine_NoIdColumnAndLabeledFile_UsesRowNumbersAndReportsNoAccuracy()
    {
        string input = Data.WriteCsv(PathOf("data.csv"), withId: false, withGold: false);
        var sample = Enumerable.Range(0, 60).Select(i => i * 5).ToArray();
        File.WriteAllLines(PathOf("sample.csv"), ["id,gold", .. sample.Select(i => $"{i + 1},{(Data.Gold[i] ? "yes" : "no")}")]);

        var run = await CliRun.RunAsync("refine", "--input", input, "--label-column", "llm_label", "--labeled-file", PathOf("sample.csv"),
            "--rounds", "1", "--output", PathOf("refined.csv"), "--report", PathOf("report.json"));

        Assert.True(run.ExitCode == 0, run.Error);
        var rows = TestData.ParseCsv(PathOf("refined.csv"));
        Assert.Equal(Enumerable.Range(1, 300).Select(i => i.ToString(CultureInfo.InvariantCulture)), rows.Skip(1).Select(r => r[0]));
        using var report = JsonDocument.Parse(File.ReadAllText(PathOf("report.json")));
        Assert.Equal(60, report.RootElement.GetProperty("labeledSample").GetProperty("size").GetInt32());
        double expectedAgreement = sample.Count(i => (Data.Noisy[i] == "1") == Data.Gold[i]) / 60.0;
        Assert.Equal(expectedAgreement, report.RootElement.GetProperty("initialSampleAgreement").GetDouble(), 9);
        Assert.False(report.RootElement.TryGetProperty("final", out _));
        Assert.False(report.RootElement.GetProperty("rounds")[0].TryGetProperty("accuracy", out var accuracy) && accuracy.ValueKind != JsonValueKind.Null);
    }

    [Trait("Category", "Slow")]
    [Fact]
    public async Task Refine_OraclePriors_MarkedAsResearchSetting()
    {
        string input = Data.WriteCsv(PathOf("data.csv"));
        var run = await CliRun.RunAsync("refine", "--input", input, "--label-column", "llm_label", "--gold-column", "gold",
            "--labeled", "50", "--rounds", "1", "--priors", "oracle", "--loss", "uu", "--select", "last", "--report", PathOf("report.json"));

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("Research setting", run.Output, StringComparison.Ordinal);
        using var report = JsonDocument.Parse(File.ReadAllText(PathOf("report.json")));
        Assert.Contains("research", report.RootElement.GetProperty("researchSetting").GetString(), StringComparison.Ordinal);
        Assert.Equal("uu", report.RootElement.GetProperty("loss").GetString());
        Assert.Equal("last", report.RootElement.GetProperty("selection").GetString());
    }

    [Fact]
    public async Task Refine_SignRelabelingInSampleLastRound_RecordedInReport()
    {
        string input = Data.WriteCsv(PathOf("data.csv"));
        var run = await CliRun.RunAsync("refine", "--input", input, "--label-column", "llm_label", "--gold-column", "gold",
            "--labeled", "50", "--rounds", "1", "--relabel", "sign", "--folds", "1", "--select", "last", "--report", PathOf("report.json"));

        Assert.True(run.ExitCode == 0, run.Error);
        using var report = JsonDocument.Parse(File.ReadAllText(PathOf("report.json")));
        Assert.Equal("sign", report.RootElement.GetProperty("relabeling").GetString());
        Assert.Equal(1, report.RootElement.GetProperty("folds").GetInt32());
        Assert.Equal(1, report.RootElement.GetProperty("chosenRound").GetInt32());
    }

    [Fact]
    public async Task Refine_Review_WritesTheLeastCertainItemsOutsideTheSample()
    {
        string input = Data.WriteCsv(PathOf("data.csv"));
        var run = await CliRun.RunAsync("refine", "--input", input, "--label-column", "llm_label", "--gold-column", "gold",
            "--labeled", "50", "--rounds", "2", "--output", PathOf("refined.csv"), "--review", PathOf("review.csv"), "--review-count", "20");

        Assert.True(run.ExitCode == 0, run.Error);
        var review = TestData.ParseCsv(PathOf("review.csv"));
        Assert.Equal(["id", "text", "initial", "refined", "posterior"], review[0]);
        Assert.Equal(20, review.Count - 1);
        var refined = TestData.ParseCsv(PathOf("refined.csv")).Skip(1).ToDictionary(r => r[0]);
        double Doubt(string p) => Math.Abs(double.Parse(p, CultureInfo.InvariantCulture) - 0.5);
        var listed = review.Skip(1).ToArray();
        Assert.True(listed.Zip(listed.Skip(1)).All(p => Doubt(p.First[4]) <= Doubt(p.Second[4])), "least certain first");
        Assert.All(listed, r => Assert.Equal("0", refined[r[0]][6]));
        Assert.All(listed, r => Assert.Equal(refined[r[0]][2], r[3]));
        Assert.All(listed, r => Assert.Equal(Data.Texts[Array.IndexOf(Data.Ids, r[0])], r[1]));
        // Nothing outside the list is less certain than the last listed item.
        double cut = Doubt(listed[^1][4]);
        Assert.DoesNotContain(refined.Values, r => r[6] == "0" && !listed.Any(l => l[0] == r[0]) && Doubt(r[3]) < cut - 1e-4);
    }

    [Fact]
    public async Task Refine_UnknownRelabelRule_ExitsWithUsageError()
    {
        string input = Data.WriteCsv(PathOf("data.csv"));
        var run = await CliRun.RunAsync("refine", "--input", input, "--label-column", "llm_label", "--relabel", "median");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("median", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_ListsTheContractOptions()
    {
        var run = await CliRun.RunAsync("refine", "--help");
        Assert.Equal(0, run.ExitCode);
        foreach (string option in new[] { "--input", "--text-column", "--label-column", "--gold-column", "--labeled", "--labeled-file", "--features",
            "--rounds", "--seed", "--loss", "--priors", "--output", "--report", "--chart", "--select", "--relabel", "--folds", "--review", "RESEARCH SETTING" })
        {
            Assert.Contains(option, run.Output, StringComparison.Ordinal);
        }
    }
}
