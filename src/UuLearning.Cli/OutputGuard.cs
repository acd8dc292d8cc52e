namespace UuLearning.Cli;

/// <summary>Never touch the input: refuses, before any work, an output path that is the same file as an input (by
/// path, through a symbolic or hard link) or as another output.</summary>
internal static class OutputGuard
{
    /// <summary>Throws a usage error naming both flags when an output is an input or when two outputs are one file.</summary>
    /// <param name="inputs">The files read, by flag; null paths (options not given) are skipped.</param>
    /// <param name="outputs">The files written, by flag; null paths are skipped.</param>
    public static void EnsureSeparate(IEnumerable<(string Flag, string? Path)> inputs, IEnumerable<(string Flag, string? Path)> outputs)
    {
        var read = inputs.Where(i => !string.IsNullOrWhiteSpace(i.Path)).ToArray();
        var written = outputs.Where(o => !string.IsNullOrWhiteSpace(o.Path)).ToArray();
        for (int o = 0; o < written.Length; o++)
        {
            var (flag, path) = written[o];
            foreach (var (inputFlag, inputPath) in read)
            {
                if (FileIdentity.SameFile(path!, inputPath!))
                {
                    throw new CliException(
                        $"{flag} '{path}' is the same file as {inputFlag} '{inputPath}'{Through(path!, inputPath!)}; the input is never overwritten: give {flag} another file.",
                        ExitCodes.UsageError);
                }
            }
            for (int p = 0; p < o; p++)
            {
                if (FileIdentity.SameFile(path!, written[p].Path!))
                {
                    throw new CliException(
                        $"{flag} '{path}' is the same file as {written[p].Flag} '{written[p].Path}'{Through(path!, written[p].Path!)}; give each output its own file.",
                        ExitCodes.UsageError);
                }
            }
        }
    }

    private static string Through(string a, string b) =>
        FileIdentity.PathComparer.Equals(Path.GetFullPath(a), Path.GetFullPath(b)) ? string.Empty : " (through a link)";
}
