using CsvHelper;

namespace UuLearning.Cli;

/// <summary>A CSV file read whole (RFC 4180 through CsvHelper): its header and its rows as strings.</summary>
internal sealed class CsvTable
{
    private readonly Dictionary<string, int> _index;

    private CsvTable(string path, string[] header, List<string[]> rows)
    {
        Path = path;
        Header = header;
        Rows = rows;
        _index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < header.Length; i++)
        {
            _index.TryAdd(header[i], i);
        }
    }

    public string Path { get; }

    public IReadOnlyList<string> Header { get; }

    public IReadOnlyList<string[]> Rows { get; }

    public int Count => Rows.Count;

    public static CsvTable Read(string path, string what = "Input file")
    {
        if (!File.Exists(path))
        {
            throw new CliException(Directory.Exists(path)
                ? $"{what} '{path}' is a folder, not a CSV file."
                : $"{what} '{path}' does not exist.");
        }
        try
        {
            using var csv = CsvReader.FromFile(path);
            var header = csv.Headers.Select(h => h.Trim()).ToArray();
            if (header.Length == 0 || header.All(h => h.Length == 0))
            {
                throw new CliException($"{what} '{path}' is empty; it needs a header row naming its columns.");
            }
            var rows = new List<string[]>();
            while (csv.Read())
            {
                var row = new string[header.Length];
                int fields = Math.Min(header.Length, csv.FieldCount);
                for (int i = 0; i < fields; i++)
                {
                    row[i] = csv.GetString(i) ?? string.Empty;
                }
                for (int i = fields; i < header.Length; i++)
                {
                    row[i] = string.Empty;
                }
                rows.Add(row);
            }
            return new CsvTable(path, header, rows);
        }
        catch (CsvFormatException ex)
        {
            throw new CliException($"{what} '{path}' is not readable CSV: {FirstLine(ex.Message)}");
        }
        catch (IOException ex)
        {
            throw new CliException($"{what} '{path}' cannot be read: {ex.Message}");
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new CliException($"{what} '{path}' cannot be read: {ex.Message}");
        }
    }

    public bool HasColumn(string name) => _index.ContainsKey(name);

    /// <summary>The index of a column, or a one-line error listing the columns that exist.</summary>
    public int Column(string name, string optionName)
    {
        if (_index.TryGetValue(name, out int i))
        {
            return i;
        }
        throw new CliException($"Column '{name}' ({optionName}) is not in '{Path}'. Its columns are: {string.Join(", ", Header)}.");
    }

    private static string FirstLine(string message)
    {
        int newline = message.IndexOfAny(['\r', '\n']);
        return newline < 0 ? message : message[..newline];
    }
}
