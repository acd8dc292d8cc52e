using System.Globalization;
using CsvHelper;

namespace UuLearning.Samples.DependencyInjection;

/// <summary>The bundled YouTube comments: ids, texts, gold labels and the noisy majority-vote labels.</summary>
internal sealed class SpamCorpus
{
    private SpamCorpus(List<string> ids, List<string> texts, List<bool> gold, List<PseudoLabel> majorityVote)
    {
        Ids = ids;
        Texts = texts;
        Gold = gold;
        MajorityVote = majorityVote;
    }

    public IReadOnlyList<string> Ids { get; }

    public IReadOnlyList<string> Texts { get; }

    public IReadOnlyList<bool> Gold { get; }

    /// <summary>The noisy labels of the majority_vote column (three weak labelers), an abstention where it is empty.</summary>
    public IReadOnlyList<PseudoLabel> MajorityVote { get; }

    public static SpamCorpus Load(string path)
    {
        var ids = new List<string>();
        var texts = new List<string>();
        var gold = new List<bool>();
        var majorityVote = new List<PseudoLabel>();
        using var csv = CsvReader.FromFile(path);
        while (csv.Read())
        {
            ids.Add(csv.GetString("id"));
            texts.Add(csv.GetString("text"));
            gold.Add(int.Parse(csv.GetString("gold"), CultureInfo.InvariantCulture) == 1);
            var vote = csv.GetString("majority_vote");
            majorityVote.Add(PrecomputedPseudoLabeler.TryParseLabel(vote, null, null, out var label)
                ? label
                : throw new InvalidDataException($"majority_vote '{vote}' of item {ids[^1]} is not a label."));
        }

        return new SpamCorpus(ids, texts, gold, majorityVote);
    }
}
