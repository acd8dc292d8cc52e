using System.Buffers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace UuLearning;

/// <summary>
/// An <see cref="IAnnotationStore"/> in a JSON Lines file: one annotation per line, appended and flushed as each
/// annotation arrives.
/// </summary>
/// <remarks>
/// <para>
/// Line format: <c>{"key":"…","id":"…","label":1,"outcome":"Labeled","confidence":0.9,"raw":"…","inputTokens":52,"outputTokens":9,"at":"2026-…Z"}</c>
/// (<c>label</c> is -1, 0 or 1; <c>confidence</c>, <c>raw</c> and the token counts are omitted when absent).
/// </para>
/// <para>
/// Crash safety: each line is written with a single write and flushed to the operating system (and to the disk when
/// <c>flushToDisk</c> is set), so a killed process loses at most the line being written. Such a torn last line (no
/// final newline) is ignored on load and cut off before the next append; a damaged line elsewhere is an error
/// (<see cref="InvalidDataException"/>) because it means the file was edited by something else.
/// </para>
/// <para>
/// Thread safety: all members are thread-safe within one process. Two processes must not append to the same file at
/// once. The file stays open between appends; dispose the store to close it. The store does not own the labelers using it.
/// </para>
/// </remarks>
public sealed class JsonlAnnotationStore : IAnnotationStore, IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly bool _flushToDisk;
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;
    private readonly ArrayBufferWriter<byte> _buffer = new(256);
    private FileStream? _stream;
    private bool _disposed;

    /// <summary>Creates a store over <paramref name="path"/>; the file is created on the first append.</summary>
    /// <param name="path">The JSON Lines file. Its directory must exist.</param>
    /// <param name="flushToDisk"><see langword="true"/> to flush every line to the disk (survives a power cut, costs a
    /// disk sync per item); <see langword="false"/> (default) to flush to the operating system only (survives the
    /// process being killed).</param>
    /// <param name="logger">Receives a warning when a torn line is dropped. Default: none.</param>
    /// <param name="timeProvider">The clock of each line's <c>at</c> time stamp. Default: <see cref="TimeProvider.System"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null or empty.</exception>
    public JsonlAnnotationStore(string path, bool flushToDisk = false, ILogger? logger = null, TimeProvider? timeProvider = null)
    {
        _timeProvider = timeProvider ?? TimeProvider.System;
        ArgumentException.ThrowIfNullOrEmpty(path);
        Path = System.IO.Path.GetFullPath(path);
        _flushToDisk = flushToDisk;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The full path of the file.</summary>
    public string Path { get; }

    /// <inheritdoc />
    /// <exception cref="InvalidDataException">A line other than the last is not a valid annotation.</exception>
    /// <exception cref="ObjectDisposedException">The store was disposed.</exception>
    public async Task<IReadOnlyDictionary<string, PseudoLabelResult>> LoadAsync(string keySpace, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keySpace);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var result = new Dictionary<string, PseudoLabelResult>(StringComparer.Ordinal);
            if (!File.Exists(Path))
            {
                return result;
            }

            byte[] bytes;
            if (_stream is not null)
            {
                await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
            using (var reader = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.Asynchronous))
            {
                bytes = new byte[reader.Length];
                await reader.ReadExactlyAsync(bytes, cancellationToken).ConfigureAwait(false);
            }

            int lineNumber = 0;
            int start = 0;
            while (start < bytes.Length)
            {
                lineNumber++;
                int newline = Array.IndexOf(bytes, (byte)'\n', start);
                bool complete = newline >= 0;
                int end = complete ? newline : bytes.Length;
                var line = new ReadOnlySpan<byte>(bytes, start, end - start);
                start = end + 1;
                if (line.Trim((byte)'\r').IsEmpty)
                {
                    continue;
                }
                if (!TryParse(line, out string? key, out PseudoLabelResult? annotation))
                {
                    if (!complete)
                    {
                        _logger.LogWarning("Ignoring the torn last line {Line} of {Path} (a crash mid-write); it will be cut off before the next append.", lineNumber, Path);
                        break;
                    }
                    throw new InvalidDataException(
                        $"Line {lineNumber} of the annotation store '{Path}' is not a valid annotation. The file was changed by something else than this store; fix or remove that line (or start a new store file).");
                }
                if (string.Equals(key, keySpace, StringComparison.Ordinal))
                {
                    result[annotation!.Id] = annotation;
                }
            }
            return result;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    /// <exception cref="ObjectDisposedException">The store was disposed.</exception>
    public async Task AppendAsync(string keySpace, PseudoLabelResult result, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keySpace);
        ArgumentNullException.ThrowIfNull(result);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _stream ??= OpenForAppend();
            _buffer.ResetWrittenCount();
            using (var writer = new Utf8JsonWriter(_buffer))
            {
                writer.WriteStartObject();
                writer.WriteString("key", keySpace);
                writer.WriteString("id", result.Id);
                writer.WriteNumber("label", (int)result.Label);
                writer.WriteString("outcome", result.Outcome.ToString());
                if (result.Confidence is double c)
                {
                    writer.WriteNumber("confidence", c);
                }
                if (result.RawAnswer is not null)
                {
                    writer.WriteString("raw", result.RawAnswer);
                }
                if (result.Error is not null)
                {
                    writer.WriteString("error", result.Error);
                }
                if (result.InputTokens is long input)
                {
                    writer.WriteNumber("inputTokens", input);
                }
                if (result.OutputTokens is long output)
                {
                    writer.WriteNumber("outputTokens", output);
                }
                writer.WriteString("at", _timeProvider.GetUtcNow());
                writer.WriteEndObject();
            }
            _buffer.Write("\n"u8);
            // One write per line (never interleaved: the gate is held), then a flush, so a crash tears at most this line.
            // Not canceled midway: a half-written line is exactly what the flush is meant to avoid.
            await _stream.WriteAsync(_buffer.WrittenMemory, CancellationToken.None).ConfigureAwait(false);
            if (_flushToDisk)
            {
                _stream.Flush(flushToDisk: true);
            }
            else
            {
                await _stream.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Closes the file.</summary>
    public void Dispose()
    {
        _gate.Wait();
        try
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            _stream?.Dispose();
            _stream = null;
        }
        finally
        {
            _gate.Release();
        }
    }

    private FileStream OpenForAppend()
    {
        var stream = new FileStream(Path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, 4096, FileOptions.Asynchronous);
        try
        {
            long length = stream.Length;
            if (length > 0)
            {
                // Find the end of the last complete line; anything after it is a torn line from a crash.
                long keep = LastNewlineEnd(stream, length);
                if (keep < length)
                {
                    _logger.LogWarning("Cutting off a torn last line ({Bytes} bytes) of {Path} left by a crash.", length - keep, Path);
                    stream.SetLength(keep);
                }
            }
            stream.Seek(0, SeekOrigin.End);
            return stream;
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    private static long LastNewlineEnd(FileStream stream, long length)
    {
        var chunk = new byte[4096];
        long position = length;
        while (position > 0)
        {
            int size = (int)Math.Min(chunk.Length, position);
            position -= size;
            stream.Seek(position, SeekOrigin.Begin);
            stream.ReadExactly(chunk, 0, size);
            int index = Array.LastIndexOf(chunk, (byte)'\n', size - 1, size);
            if (index >= 0)
            {
                return position + index + 1;
            }
        }
        return 0;
    }

    private static bool TryParse(ReadOnlySpan<byte> line, out string? key, out PseudoLabelResult? annotation)
    {
        key = null;
        annotation = null;
        try
        {
            var reader = new Utf8JsonReader(line);
            using var doc = JsonDocument.ParseValue(ref reader);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("key", out var keyElement) || keyElement.ValueKind != JsonValueKind.String
                || !root.TryGetProperty("id", out var idElement) || idElement.ValueKind != JsonValueKind.String
                || !root.TryGetProperty("label", out var labelElement) || !labelElement.TryGetInt32(out int label)
                || label is < -1 or > 1)
            {
                return false;
            }
            var outcome = root.TryGetProperty("outcome", out var o) && Enum.TryParse(o.GetString(), out LabelingOutcome parsed)
                ? parsed
                : (label == 0 ? LabelingOutcome.Abstained : LabelingOutcome.Labeled);
            key = keyElement.GetString();
            annotation = new PseudoLabelResult(idElement.GetString()!, (PseudoLabel)label)
            {
                Outcome = outcome,
                Confidence = root.TryGetProperty("confidence", out var c) && c.TryGetDouble(out double conf) ? conf : null,
                RawAnswer = root.TryGetProperty("raw", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null,
                Error = root.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null,
                InputTokens = root.TryGetProperty("inputTokens", out var it) && it.TryGetInt64(out long itv) ? itv : null,
                OutputTokens = root.TryGetProperty("outputTokens", out var ot) && ot.TryGetInt64(out long otv) ? otv : null,
            };
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
