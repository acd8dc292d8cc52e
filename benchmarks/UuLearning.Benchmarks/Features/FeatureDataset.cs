using System.Globalization;
using CsvHelper;

namespace UuLearning.Benchmarks.Features;

/// <summary>A dataset's texts and gold labels read from data.csv (id,text,gold,...); rows without gold are skipped.</summary>
internal sealed record FeatureDataset(string Name, IReadOnlyList<string> Texts, IReadOnlyList<int> Gold)
{
    public static FeatureDataset Read(string path)
    {
        using var csv = CsvReader.FromFile(path);
        var texts = new List<string>();
        var gold = new List<int>();
        while (csv.Read())
        {
            var g = csv.GetString("gold");
            if (string.IsNullOrWhiteSpace(g))
            {
                continue;
            }

            texts.Add(csv.GetString("text"));
            gold.Add(int.Parse(g, CultureInfo.InvariantCulture) == 1 ? 1 : 0);
        }

        var name = Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(path))) ?? path;
        return new FeatureDataset(name, texts, gold);
    }
}
