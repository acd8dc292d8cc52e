using System.Globalization;
using System.Text;
using System.Text.Unicode;
using CsvHelper;

namespace UuLearning.Cli;

/// <summary>A CSV file read whole (RFC 4180 through CsvHelper): its header and its rows as strings, decoded from strict
/// UTF-8 so that what is written back is exactly what was read.</summary>
internal sealed class CsvTable
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

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

    /// <summary>
    /// Where the input was not valid UTF-8 although it was read (with <c>--lossy-utf8</c>: the bad bytes became U+FFFD),
    /// for a warning; null when it was valid.
    /// </summary>
    public string? LossyUtf8Note { get; private init; }

    /// <summary>
    /// Reads a CSV file whole. The bytes must be UTF-8 (a byte order mark is accepted; UTF-16 and UTF-32 files with a
    /// byte order mark are transcoded): the first invalid byte is an error naming the row, the column and its byte
    /// offset, unless <paramref name="lossyUtf8"/> asks to read invalid bytes as U+FFFD.
    /// </summary>
    public static CsvTable Read(string path, string what = "Input file", bool lossyUtf8 = false)
    {
        if (!File.Exists(path))
        {
            throw new CliException(Directory.Exists(path)
                ? $"{what} '{path}' is a folder, not a CSV file."
                : $"{what} '{path}' does not exist.");
        }
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (IOException ex)
        {
            throw new CliException($"{what} '{path}' cannot be read: {ex.Message}");
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new CliException($"{what} '{path}' cannot be read: {ex.Message}");
        }
        try
        {
            string? note = null;
            long invalid = HasUnicodeBom(bytes) ? -1 : FirstInvalidUtf8(bytes);
            if (invalid >= 0)
            {
                string where = Locate(bytes, invalid);
                if (!lossyUtf8)
                {
                    throw new CliException(
                        $"{what} '{path}' is not valid UTF-8: {where}. Save it as UTF-8, or pass --lossy-utf8 to read invalid bytes as U+FFFD.");
                }
                note = $"{what} '{path}' is not valid UTF-8 (first at {where}); with --lossy-utf8 its invalid bytes were read as U+FFFD.";
            }

            using var csv = CsvReader.Create(bytes, options: null);
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
            return new CsvTable(path, header, rows) { LossyUtf8Note = note };
        }
        catch (CsvFormatException ex)
        {
            throw new CliException($"{what} '{path}' is not readable CSV: {FirstLine(ex.Message)}");
        }
    }

    /// <summary>The offset of the first byte that is not part of valid UTF-8, or -1 when all of it is valid.</summary>
    internal static long FirstInvalidUtf8(byte[] bytes)
    {
        try
        {
            StrictUtf8.GetCharCount(bytes);
            return -1;
        }
        catch (DecoderFallbackException ex)
        {
            // Index is where the invalid sequence starts, counted from the start of the bytes decoded.
            return ex.Index;
        }
    }

    /// <summary>Describes where byte <paramref name="offset"/> is: the header or data row, its line, its column.</summary>
    private static string Locate(byte[] bytes, long offset)
    {
        string bad = string.Create(CultureInfo.InvariantCulture, $"byte offset {offset} (0x{bytes[offset]:X2})");
        try
        {
            using var csv = CsvReader.Create(bytes, CsvReaderOptions.Default with { TrackLineNumbers = true });
            var header = csv.Headers;
            bool inData = false;
            while (csv.Read())
            {
                if (csv.ByteOffset > offset)
                {
                    break; // past it: it was in the header (or, if a record started before it, between fields)
                }
                inData = true;
                for (int i = 0; i < csv.FieldCount; i++)
                {
                    if (!Utf8.IsValid(csv.GetRawSpan(i)))
                    {
                        string column = i < header.Count ? $"column '{header[i].Trim()}'" : $"field {i + 1}";
                        return string.Create(CultureInfo.InvariantCulture, $"data row {csv.RowNumber} (line {csv.LineNumber}), {column}, {bad}");
                    }
                }
            }
            return inData ? bad : $"header row (line 1), {bad}";
        }
        catch (CsvFormatException)
        {
            return bad;
        }
    }

    private static bool HasUnicodeBom(byte[] bytes) =>
        bytes.AsSpan().StartsWith((byte[])[0xFF, 0xFE]) || bytes.AsSpan().StartsWith((byte[])[0xFE, 0xFF]) ||
        bytes.AsSpan().StartsWith((byte[])[0x00, 0x00, 0xFE, 0xFF]);

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
