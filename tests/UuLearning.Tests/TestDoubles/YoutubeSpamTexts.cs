using CsvHelper;

namespace UuLearning.Tests;

/// <summary>The texts of samples/data/youtube-spam.csv (1,956 YouTube comments), copied beside the test and benchmark
/// assemblies by their project files.</summary>
internal static class YoutubeSpamTexts
{
    public static IReadOnlyList<string> Read(int? count = null)
    {
        using var csv = CsvReader.FromFile(Path.Combine(AppContext.BaseDirectory, "Fixtures", "youtube-spam.csv"));
        var texts = new List<string>();
        while (csv.Read() && (count is null || texts.Count < count))
        {
            texts.Add(csv.GetString("text"));
        }

        return texts;
    }
}
