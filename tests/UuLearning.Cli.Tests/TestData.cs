using System.Globalization;
using System.Text;

namespace UuLearning.Cli.Tests;

/// <summary>A small synthetic corpus: spam-like and ham-like texts with gold labels and seeded noisy labels.</summary>
internal sealed class TestData
{
    private static readonly string[] SpamWords = ["free", "subscribe", "click", "money", "prize", "channel", "win", "offer", "visit", "cheap"];
    private static readonly string[] HamWords = ["song", "voice", "love", "music", "beautiful", "lyrics", "guitar", "memories", "video", "dance"];
    private static readonly string[] Common = ["the", "this", "is", "a", "so", "and", "my", "you", "it", "really"];

    public required string[] Ids { get; init; }

    public required string[] Texts { get; init; }

    public required bool[] Gold { get; init; }

    /// <summary>Noisy labels: "1", "0" or "" (abstained).</summary>
    public required string[] Noisy { get; init; }

    public static TestData Create(int count, double flipRate, double abstainRate, int seed, bool informative = true)
    {
        var random = new Random(seed);
        var ids = new string[count];
        var texts = new string[count];
        var gold = new bool[count];
        var noisy = new string[count];
        for (int i = 0; i < count; i++)
        {
            ids[i] = "item-" + (count - i).ToString(CultureInfo.InvariantCulture); // deliberately not sorted
            gold[i] = random.NextDouble() < 0.45;
            var words = new List<string>();
            var vocabulary = gold[i] ? SpamWords : HamWords;
            for (int w = 0; w < 8; w++)
            {
                words.Add(random.NextDouble() < 0.55 ? vocabulary[random.Next(vocabulary.Length)] : Common[random.Next(Common.Length)]);
            }
            string text = string.Join(' ', words);
            if (i % 17 == 0)
            {
                text += ",\n \"quoted\", line two"; // commas, quotes and a newline inside a field
            }
            texts[i] = text;
            bool label = informative ? (random.NextDouble() < flipRate ? !gold[i] : gold[i]) : random.NextDouble() < 0.5;
            noisy[i] = random.NextDouble() < abstainRate ? string.Empty : label ? "1" : "0";
        }
        return new TestData { Ids = ids, Texts = texts, Gold = gold, Noisy = noisy };
    }

    public string WriteCsv(string path, bool withId = true, bool withGold = true, Func<int, string>? noisyOverride = null)
    {
        var sb = new StringBuilder();
        var header = new List<string>();
        if (withId)
        {
            header.Add("id");
        }
        header.Add("text");
        if (withGold)
        {
            header.Add("gold");
        }
        header.Add("llm_label");
        sb.Append(string.Join(',', header)).Append("\r\n");
        for (int i = 0; i < Texts.Length; i++)
        {
            var fields = new List<string>();
            if (withId)
            {
                fields.Add(Ids[i]);
            }
            fields.Add(Quote(Texts[i]));
            if (withGold)
            {
                fields.Add(Gold[i] ? "1" : "0");
            }
            fields.Add(noisyOverride?.Invoke(i) ?? Noisy[i]);
            sb.Append(string.Join(',', fields)).Append("\r\n");
        }
        File.WriteAllText(path, sb.ToString());
        return path;
    }

    public static string Quote(string value) =>
        value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;

    /// <summary>Parses a simple RFC 4180 CSV (test-side, independent of the tool's reader).</summary>
    public static List<string[]> ParseCsv(string path)
    {
        string s = File.ReadAllText(path);
        var rows = new List<string[]>();
        var row = new List<string>();
        var field = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < s.Length && s[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                row.Add(field.ToString());
                field.Clear();
            }
            else if (c == '\n' || c == '\r')
            {
                if (c == '\r' && i + 1 < s.Length && s[i + 1] == '\n')
                {
                    i++;
                }
                row.Add(field.ToString());
                field.Clear();
                rows.Add(row.ToArray());
                row.Clear();
            }
            else
            {
                field.Append(c);
            }
        }
        if (field.Length > 0 || row.Count > 0)
        {
            row.Add(field.ToString());
            rows.Add(row.ToArray());
        }
        return rows;
    }
}
