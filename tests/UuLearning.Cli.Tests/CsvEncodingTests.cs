using System.Text;
using UuLearning.Tests;

namespace UuLearning.Cli.Tests;

/// <summary>Bytes in, bytes out: invalid UTF-8 is an error naming the row and byte offset (unless --lossy-utf8), a BOM
/// is accepted, and text survives a round trip through the tool exactly.</summary>
public sealed class CsvEncodingTests : TempFolderTest
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Texts that break naive CSV or text handling.</summary>
    private static readonly string[] TrickyTexts =
    [
        "He said \"free money\", then \"click\"",
        "line one\nline two",
        "windows line one\r\nwindows line two\r\n",
        "  leading and trailing spaces  ",
        "\ttab first and last\t",
        "naïve café, Ünïcödé — “quotes” ‘too’ …",
        "emoji 😀 👍🏽 family 👨‍👩‍👧 flag 🇫🇷",
        "日本語のテキスト、中文文本，한국어",
        "\"",
        ",",
        "a lone\rcarriage return",
        " ",
    ];

    private static string Truth(string text) => text.Contains("free", StringComparison.Ordinal) ? "spam" : "ham";

    private static LoopbackOpenAIServer AnsweringServer() =>
        new((text, _, structured) => new LoopbackReply(Content: structured ? $"{{\"label\":\"{Truth(text)}\"}}" : Truth(text)));

    private string[] AnnotateArgs(Uri endpoint, params string[] more) =>
    [
        "annotate", "--input", PathOf("data.csv"), "--instruction", "Is this comment spam?", "--positive", "spam", "--negative", "ham",
        "--endpoint", endpoint.ToString(), "--model", "m", "--concurrency", "1", "--output", PathOf("labeled.csv"), .. more,
    ];

    /// <summary>An RFC 4180 CSV of the given rows (fields quoted when needed), as UTF-8 bytes, CRLF between records.</summary>
    private static byte[] Csv(IEnumerable<string[]> rows) =>
        Encoding.UTF8.GetBytes(string.Concat(rows.Select(r => string.Join(',', r.Select(Quote)) + "\r\n")));

    private static string Quote(string value) =>
        value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;

    /// <summary>A small input whose data row <paramref name="badRow"/> (1-based) has <paramref name="bad"/> inside its
    /// text; returns the file and the byte offset of the first bad byte.</summary>
    private (byte[] File, int Offset) WithBadBytes(int badRow, byte[] bad)
    {
        var data = TestData.Create(12, flipRate: 0, abstainRate: 0, seed: 5);
        var bytes = new List<byte>(Encoding.UTF8.GetBytes("id,text,gold,llm_label\r\n"));
        int offset = -1;
        for (int i = 0; i < data.Texts.Length; i++)
        {
            bytes.AddRange(Encoding.UTF8.GetBytes($"{data.Ids[i]},\"café "));
            if (i + 1 == badRow)
            {
                offset = bytes.Count;
                bytes.AddRange(bad);
            }
            bytes.AddRange(Encoding.UTF8.GetBytes($" {data.Texts[i].Replace("\"", "\"\"", StringComparison.Ordinal)}\",{(data.Gold[i] ? 1 : 0)},{data.Noisy[i]}\r\n"));
        }
        return (bytes.ToArray(), offset);
    }

    private void AssertNothingWritten(params string[] inputs)
    {
        Assert.Equal(inputs.Order(StringComparer.Ordinal), Directory.GetFiles(Folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    public static TheoryData<string, byte[]> InvalidSequences => new()
    {
        { "lone continuation byte", [0x80] },
        { "byte that never appears in UTF-8", [0xFF] },
        { "Latin-1 e acute", [0xE9, (byte)'t', (byte)'e'] },
        { "overlong slash", [0xC0, 0xAF] },
        { "encoded surrogate", [0xED, 0xA0, 0x80] },
        { "truncated three-byte sequence", [0xE2, 0x82, (byte)' '] },
    };

    [Theory]
    [MemberData(nameof(InvalidSequences))]
    [Trait("Category", "TimeSensitive")]
    public async Task Annotate_InvalidUtf8_NamesRowAndByteOffsetAndWritesNothing(string what, byte[] bad)
    {
        var (file, offset) = WithBadBytes(badRow: 7, bad);
        File.WriteAllBytes(PathOf("data.csv"), file);
        await using var server = AnsweringServer();

        var run = await CliRun.RunAsync(AnnotateArgs(server.Endpoint));

        Assert.True(run.ExitCode == 1, $"{what}: exit {run.ExitCode}: {run.Error}");
        Assert.Single(run.ErrorLines);
        Assert.Contains("not valid UTF-8", run.Error, StringComparison.Ordinal);
        Assert.Contains("data row 7", run.Error, StringComparison.Ordinal);
        Assert.Contains($"byte offset {offset}", run.Error, StringComparison.Ordinal);
        Assert.Contains("column 'text'", run.Error, StringComparison.Ordinal);
        Assert.Contains("--lossy-utf8", run.Error, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
        AssertNothingWritten("data.csv");
    }

    [Fact]
    [Trait("Category", "TimeSensitive")]
    public async Task Annotate_InvalidUtf8InTheHeader_SaysHeaderRow()
    {
        File.WriteAllBytes(PathOf("data.csv"), [.. "id,te"u8, 0xFF, .. "xt\r\n1,hello\r\n"u8]);
        await using var server = AnsweringServer();
        var run = await CliRun.RunAsync(AnnotateArgs(server.Endpoint));
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("header row", run.Error, StringComparison.Ordinal);
        Assert.Contains("byte offset 5", run.Error, StringComparison.Ordinal);
        AssertNothingWritten("data.csv");
    }

    [Fact]
    [Trait("Category", "TimeSensitive")]
    public async Task Annotate_InvalidUtf8WithLossyUtf8_ReplacesTheBadBytesAndSaysSo()
    {
        var (file, _) = WithBadBytes(badRow: 2, [0xFF]);
        File.WriteAllBytes(PathOf("data.csv"), file);
        await using var server = AnsweringServer();

        var run = await CliRun.RunAsync(AnnotateArgs(server.Endpoint, "--lossy-utf8"));

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("U+FFFD", run.Output, StringComparison.Ordinal);
        var rows = TestData.ParseCsv(PathOf("labeled.csv"));
        Assert.StartsWith("café \uFFFD ", rows[2][1], StringComparison.Ordinal);
        Assert.StartsWith("café  ", rows[3][1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refine_InvalidUtf8_NamesRowAndByteOffsetAndWritesNothing()
    {
        var data = TestData.Create(120, flipRate: 0.2, abstainRate: 0, seed: 3);
        string input = data.WriteCsv(PathOf("data.csv"));
        var bytes = File.ReadAllBytes(input).ToList();
        int offset = bytes.Count - 3; // inside the last row's label field ("1\r\n" or "0\r\n")
        bytes.Insert(offset, 0xC3);
        File.WriteAllBytes(input, bytes.ToArray());

        var run = await CliRun.RunAsync("refine", "--input", input, "--label-column", "llm_label", "--gold-column", "gold", "--labeled", "50",
            "--output", PathOf("out.csv"), "--report", PathOf("report.json"));

        Assert.Equal(1, run.ExitCode);
        Assert.Single(run.ErrorLines);
        Assert.Contains("data row 120", run.Error, StringComparison.Ordinal);
        Assert.Contains($"byte offset {offset}", run.Error, StringComparison.Ordinal);
        Assert.Contains("column 'llm_label'", run.Error, StringComparison.Ordinal);
        AssertNothingWritten("data.csv");
    }

    [Fact]
    public async Task Refine_LabeledFileInvalidUtf8_NamesTheLabeledFile()
    {
        var data = TestData.Create(120, flipRate: 0.2, abstainRate: 0, seed: 3);
        string input = data.WriteCsv(PathOf("data.csv"), withGold: false);
        File.WriteAllBytes(PathOf("sample.csv"), [.. Encoding.UTF8.GetBytes($"id,gold\r\n{data.Ids[0]},1\r\n{data.Ids[1]},"), 0xFE, .. "\r\n"u8]);

        var run = await CliRun.RunAsync("refine", "--input", input, "--label-column", "llm_label", "--labeled-file", PathOf("sample.csv"),
            "--output", PathOf("out.csv"));

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("Labeled file", run.Error, StringComparison.Ordinal);
        Assert.Contains("data row 2", run.Error, StringComparison.Ordinal);
        AssertNothingWritten("data.csv", "sample.csv");
    }

    [Fact]
    [Trait("Category", "TimeSensitive")]
    public async Task Annotate_Utf8Bom_IsAccepted()
    {
        var data = TestData.Create(12, flipRate: 0, abstainRate: 0, seed: 5);
        data.WriteCsv(PathOf("plain.csv"));
        File.WriteAllBytes(PathOf("data.csv"), [0xEF, 0xBB, 0xBF, .. File.ReadAllBytes(PathOf("plain.csv"))]);
        File.Delete(PathOf("plain.csv"));
        await using var server = AnsweringServer();

        var run = await CliRun.RunAsync(AnnotateArgs(server.Endpoint));

        Assert.True(run.ExitCode == 0, run.Error);
        var rows = TestData.ParseCsv(PathOf("labeled.csv"));
        Assert.Equal(["id", "text", "gold", "llm_label"], rows[0]);
        Assert.Equal(data.Ids, rows.Skip(1).Select(r => r[0]));
    }

    [Fact]
    [Trait("Category", "TimeSensitive")]
    public async Task Annotate_TrickyTexts_SurviveByteExactInTheirField()
    {
        var rows = TrickyTexts.Select((t, i) => new[] { "t" + i, t, i % 2 == 0 ? "1" : "0" }).ToList();
        File.WriteAllBytes(PathOf("data.csv"), Csv([["id", "text", "gold"], .. rows]));
        await using var server = AnsweringServer();

        var run = await CliRun.RunAsync(AnnotateArgs(server.Endpoint));

        Assert.True(run.ExitCode == 0, run.Error);
        string written = Strict.GetString(File.ReadAllBytes(PathOf("labeled.csv")));
        var output = TestData.ParseCsv(PathOf("labeled.csv"));
        Assert.Equal(TrickyTexts.Length + 1, output.Count);
        for (int i = 0; i < TrickyTexts.Length; i++)
        {
            Assert.Equal(Encoding.UTF8.GetBytes(TrickyTexts[i]), Encoding.UTF8.GetBytes(output[i + 1][1]));
            Assert.Equal(Truth(TrickyTexts[i]) == "spam" ? "1" : "0", output[i + 1][3]);
            Assert.Contains(server.Requests, r => r.ItemText.Contains(TrickyTexts[i], StringComparison.Ordinal));
        }
        Assert.False(written.Contains('\uFFFD', StringComparison.Ordinal));
    }

    [Fact]
    [Trait("Category", "Slow")]
    public async Task Refine_TrickyIds_SurviveByteExactInTheOutput()
    {
        var data = TestData.Create(200, flipRate: 0.2, abstainRate: 0, seed: 9);
        string[] ids = data.Ids.Select((id, i) => i < TrickyTexts.Length ? TrickyTexts[i] + "#" + i : id).ToArray();
        File.WriteAllBytes(PathOf("data.csv"), Csv(
            [["id", "text", "gold", "llm_label"], .. ids.Select((id, i) => new[] { id, data.Texts[i], data.Gold[i] ? "1" : "0", data.Noisy[i] })]));

        var run = await CliRun.RunAsync("refine", "--input", PathOf("data.csv"), "--label-column", "llm_label", "--gold-column", "gold",
            "--labeled", "50", "--rounds", "1", "--output", PathOf("out.csv"));

        Assert.True(run.ExitCode == 0, run.Error);
        var output = TestData.ParseCsv(PathOf("out.csv"));
        Assert.Equal(ids.Select(Encoding.UTF8.GetBytes), output.Skip(1).Select(r => Encoding.UTF8.GetBytes(r[0])));
    }
}
