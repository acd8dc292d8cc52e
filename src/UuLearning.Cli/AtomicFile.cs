namespace UuLearning.Cli;

/// <summary>
/// Writes a file so that readers never see a partial one: the content goes to a temporary file next to the target,
/// which is renamed over the target only once complete. On failure the temporary file is deleted.
/// </summary>
internal static class AtomicFile
{
    public static void Write(string path, Action<Stream> write)
    {
        string full = Path.GetFullPath(path);
        string temp = Path.Combine(Path.GetDirectoryName(full)!, "." + Path.GetFileName(full) + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    public static void WriteText(string path, Action<TextWriter> write) =>
        Write(path, stream =>
        {
            using var writer = new StreamWriter(stream, new System.Text.UTF8Encoding(false), 1 << 16, leaveOpen: true);
            write(writer);
            writer.Flush();
        });

    /// <summary>Fails early (before any work) when a file cannot be written at <paramref name="path"/>.</summary>
    public static void EnsureWritable(string? path, string optionName)
    {
        if (path is null)
        {
            return;
        }
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new CliException($"{optionName} is empty; give a file path.", ExitCodes.UsageError);
        }
        string full = Path.GetFullPath(path);
        string? directory = Path.GetDirectoryName(full);
        if (directory is null || !Directory.Exists(directory))
        {
            throw new CliException($"The folder of {optionName} '{path}' does not exist; create it first.");
        }
        if (Directory.Exists(full))
        {
            throw new CliException($"{optionName} '{path}' is a folder; give a file path.");
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
