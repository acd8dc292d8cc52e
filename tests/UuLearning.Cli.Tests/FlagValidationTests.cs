namespace UuLearning.Cli.Tests;

/// <summary>Messages in the user's words: a bad value of a numeric or named flag is a usage error (exit 2) that names
/// the flag and what it accepts, never the library option behind it, and nothing is read, sent or written.</summary>
public sealed class FlagValidationTests : TempFolderTest
{
    private static readonly TestData Data = TestData.Create(120, flipRate: 0.2, abstainRate: 0.05, seed: 3);

    /// <summary>Library option names that must not reach the user.</summary>
    private static readonly string[] LibraryNames =
        ["MaxConcurrency", "MaxRounds", "Epochs", "BatchSize", "LearningRate", "Parameter", "Argument '", "Actual value"];

    private static void AssertNamesTheFlag(CliRun run, string flag, string allowed)
    {
        Assert.True(run.ExitCode == 2, $"exit {run.ExitCode}: {run.Error}");
        Assert.Single(run.ErrorLines);
        Assert.StartsWith($"error: {flag} ", run.Error, StringComparison.Ordinal);
        Assert.Contains(allowed, run.Error, StringComparison.Ordinal);
        foreach (string name in LibraryNames)
        {
            Assert.DoesNotContain(name, run.Error, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("0", "between 1 and 1024")]
    [InlineData("-3", "between 1 and 1024")]
    [InlineData("5000", "between 1 and 1024")]
    public async Task Annotate_ConcurrencyOutOfRange_NamesTheFlag(string value, string allowed)
    {
        string input = Data.WriteCsv(PathOf("data.csv"));
        var run = await CliRun.RunAsync("annotate", "--input", input, "--instruction", "Spam?", "--model", "m",
            "--endpoint", "http://127.0.0.1:9/v1", "--concurrency", value, "--output", PathOf("labeled.csv"));
        AssertNamesTheFlag(run, "--concurrency", allowed);
        Assert.Equal(["data.csv"], Directory.GetFiles(Folder).Select(Path.GetFileName));
    }

    [Theory]
    [InlineData("--rounds", "0", "between 1 and 100")]
    [InlineData("--rounds", "101", "between 1 and 100")]
    [InlineData("--labeled", "0", "at least 1")]
    [InlineData("--epochs", "0", "between 1 and 10000")]
    [InlineData("--epochs", "10001", "between 1 and 10000")]
    [InlineData("--batch-size", "1", "between 2 and 1000000")]
    [InlineData("--learning-rate", "0", "greater than 0 and at most 10")]
    [InlineData("--learning-rate", "-0.5", "greater than 0 and at most 10")]
    [InlineData("--learning-rate", "NaN", "greater than 0 and at most 10")]
    [InlineData("--learning-rate", "11", "greater than 0 and at most 10")]
    [InlineData("--features", "word2vec", "hashing, minilm")]
    [InlineData("--loss", "hinge", "robust-uu, uu, pn")]
    [InlineData("--priors", "guess", "few-label, oracle")]
    [InlineData("--select", "first", "do-no-harm, last")]
    [InlineData("--relabel", "vote", "posterior, sign")]
    [InlineData("--folds", "0", "between 1 and 20")]
    [InlineData("--folds", "21", "between 1 and 20")]
    [InlineData("--review-count", "0", "at least 1")]
    [InlineData("--scorer", "cnn", "linear, mlp")]
    [InlineData("--minilm-threads", "0", "between 1 and 1024")]
    [InlineData("--minilm-threads", "1025", "between 1 and 1024")]
    [InlineData("--minilm-threads", "-2", "between 1 and 1024")]
    public async Task Refine_BadFlagValue_NamesTheFlag(string flag, string value, string allowed)
    {
        string input = Data.WriteCsv(PathOf("data.csv"));
        string[] args = ["refine", "--input", input, "--label-column", "llm_label", "--gold-column", "gold", "--output", PathOf("out.csv")];
        var run = await CliRun.RunAsync(flag == "--labeled" ? [.. args, "--labeled", value] : [.. args, "--labeled", "50", flag, value]);
        AssertNamesTheFlag(run, flag, allowed);
        Assert.Contains($"'{value}'", run.Error, StringComparison.Ordinal);
        Assert.Equal(["data.csv"], Directory.GetFiles(Folder).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Refine_NotANumber_NamesTheFlag()
    {
        string input = Data.WriteCsv(PathOf("data.csv"));
        var run = await CliRun.RunAsync("refine", "--input", input, "--label-column", "llm_label", "--gold-column", "gold", "--labeled", "fifty");
        Assert.Equal(2, run.ExitCode);
        Assert.Single(run.ErrorLines);
        Assert.Contains("--labeled", run.Error, StringComparison.Ordinal);
        Assert.Contains("'fifty'", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--instruction", " ", "--instruction", "say what the model must decide")]
    [InlineData("--positive", "", "--positive", "class name")]
    [InlineData("--negative", "  ", "--negative", "class name")]
    [InlineData("--negative", " Spam", "--positive and --negative", "two different class names")]
    [InlineData("--endpoint", "localhost:11434", "--endpoint", "absolute http or https URL")]
    public async Task Annotate_BadTextFlag_NamesTheFlag(string flag, string value, string named, string advice)
    {
        string input = Data.WriteCsv(PathOf("data.csv"));
        var values = new Dictionary<string, string>
        {
            ["--instruction"] = "Spam?", ["--positive"] = "spam", ["--negative"] = "ham", ["--endpoint"] = "http://127.0.0.1:9/v1",
        };
        values[flag] = value;
        var run = await CliRun.RunAsync(["annotate", "--input", input, "--model", "m", "--output", PathOf("labeled.csv"),
            .. values.SelectMany(kv => new[] { kv.Key, kv.Value })]);
        AssertNamesTheFlag(run, named, advice);
        Assert.Equal(["data.csv"], Directory.GetFiles(Folder).Select(Path.GetFileName));
    }
}
