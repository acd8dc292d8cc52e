using UuLearning.Tests;

namespace UuLearning.Benchmarks;

/// <summary>The real texts the MiniLM benchmarks run on: the first 1,000 of the 1,956 YouTube comments bundled in
/// samples/data (the whole set takes the package's path about 50 s, past BenchmarkDotNet's in-process time limit for
/// warm-up, three iterations and the memory pass), and the
/// first 64 news articles of mc-ideology (median 4,800 characters, so every one is truncated at 512 word pieces) read
/// at run time from the evaluation data beside the repository (<c>../shared/data</c>), skipped when absent.</summary>
internal static class MiniLmTextSets
{
    public const string Youtube = "youtube-spam-1000";
    public const string YoutubeAll = "youtube-spam";
    public const string News = "mc-ideology-64";

    public static IEnumerable<string> Available()
    {
        yield return Youtube;
        if (NewsPath() is null)
        {
            Console.WriteLine($"MiniLM benchmarks: {News} skipped, no ../shared/data/mc-ideology/data.csv above {AppContext.BaseDirectory}.");
        }
        else
        {
            yield return News;
        }
    }

    public static IReadOnlyList<string> Read(string name) => name switch
    {
        Youtube => CsvTexts.YoutubeSpam(1000),
        YoutubeAll => CsvTexts.YoutubeSpam(),
        News => CsvTexts.Read(NewsPath() ?? throw new InvalidOperationException($"{News} is not available."), 64),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "unknown text set"),
    };

    private static string? NewsPath()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "UuLearning.sln")))
            {
                var path = Path.Combine(dir.FullName, "..", "shared", "data", "mc-ideology", "data.csv");
                return File.Exists(path) ? Path.GetFullPath(path) : null;
            }
        }

        return null;
    }
}
