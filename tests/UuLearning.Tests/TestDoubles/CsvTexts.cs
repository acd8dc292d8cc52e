using CsvHelper;

namespace UuLearning.Tests;

/// <summary>The text column of a data.csv (<c>id,text,...</c>), such as samples/data/youtube-spam.csv (1,956 YouTube
/// comments), which the test and benchmark project files copy beside their assemblies.</summary>
internal static class CsvTexts
{
    public static IReadOnlyList<string> YoutubeSpam(int? count = null) =>
        Read(Path.Combine(AppContext.BaseDirectory, "Fixtures", "youtube-spam.csv"), count);

    public static IReadOnlyList<string> Read(string path, int? count = null)
    {
        using var csv = CsvReader.FromFile(path);
        var texts = new List<string>();
        while ((count is null || texts.Count < count) && csv.Read())
        {
            texts.Add(csv.GetString("text"));
        }

        return texts;
    }
}
