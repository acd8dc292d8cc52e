using System.Globalization;
using CsvHelper;

namespace UuLearning.Samples.DependencyInjection;

/// <summary>The bundled YouTube comments: ids, texts and gold labels.</summary>
internal sealed class SpamCorpus
{
    private SpamCorpus(List<string> ids, List<string> texts, List<bool> gold)
    {
        Ids = ids;
        Texts = texts;
        Gold = gold;
    }

    public IReadOnlyList<string> Ids { get; }

    public IReadOnlyList<string> Texts { get; }

    public IReadOnlyList<bool> Gold { get; }

    public static SpamCorpus Load(string path)
    {
        var ids = new List<string>();
        var texts = new List<string>();
        var gold = new List<bool>();
        using var csv = CsvReader.FromFile(path);
        while (csv.Read())
        {
            ids.Add(csv.GetString("id"));
            texts.Add(csv.GetString("text"));
            gold.Add(int.Parse(csv.GetString("gold"), CultureInfo.InvariantCulture) == 1);
        }

        return new SpamCorpus(ids, texts, gold);
    }
}
