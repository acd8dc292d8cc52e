using System.Text.RegularExpressions;

namespace UuLearning.Tests;

/// <summary>
/// Every <c>&lt;!-- snippet: path#name --&gt;</c> code block in docs/*.md must equal the region <c>// &lt;name&gt;</c> ...
/// <c>// &lt;/name&gt;</c> of that sample file (dedented), so the docs show code that compiles. Fix a failure with
/// <c>eng/sync-doc-snippets.py</c>.
/// </summary>
public sealed partial class DocSnippetTests
{
    [GeneratedRegex(@"<!-- snippet: (?<path>[^#\s]+)#(?<name>[\w-]+) -->\n```csharp\n(?<body>.*?)```\n", RegexOptions.Singleline)]
    private static partial Regex SnippetBlock();

    [GeneratedRegex(@"^\s*// </?[\w-]+>\s*$")]
    private static partial Regex RegionMarker();

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "UuLearning.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("UuLearning.sln not found above " + AppContext.BaseDirectory);
    }

    internal static string Region(string file, string name)
    {
        var lines = File.ReadAllText(file).Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        int start = Array.FindIndex(lines, l => l.Trim() == $"// <{name}>");
        int end = Array.FindIndex(lines, l => l.Trim() == $"// </{name}>");
        Assert.True(start >= 0 && end > start, $"{file}: region '{name}' not found");
        var body = lines[(start + 1)..end].Where(l => !RegionMarker().IsMatch(l)).ToList();
        int indent = body.Where(l => l.Trim().Length > 0).Select(l => l.Length - l.TrimStart().Length).DefaultIfEmpty(0).Min();
        var dedented = body.Select(l => l.Length >= indent ? l[indent..] : l.TrimStart()).Select(l => l.Trim().Length == 0 ? "" : l);
        return string.Join("\n", dedented).Trim('\n') + "\n";
    }

    [Fact]
    public void Docs_SnippetBlocks_MatchTheSampleRegions()
    {
        var root = RepositoryRoot();
        int checkedBlocks = 0;
        foreach (var md in Directory.GetFiles(Path.Combine(root, "docs"), "*.md").Append(Path.Combine(root, "README.md")))
        {
            var text = File.ReadAllText(md).Replace("\r\n", "\n", StringComparison.Ordinal);
            foreach (Match m in SnippetBlock().Matches(text))
            {
                var source = Path.Combine(root, m.Groups["path"].Value);
                Assert.True(File.Exists(source), $"{Path.GetFileName(md)} names a missing file {m.Groups["path"].Value}");
                Assert.True(Region(source, m.Groups["name"].Value) == m.Groups["body"].Value,
                    $"{Path.GetFileName(md)}: the block for {m.Groups["path"].Value}#{m.Groups["name"].Value} differs from the sample; run eng/sync-doc-snippets.py");
                checkedBlocks++;
            }
        }

        Assert.True(checkedBlocks >= 5, $"expected the docs to hold snippet blocks, found {checkedBlocks}");
    }
}
