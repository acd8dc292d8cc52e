using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace UuLearning.Tests;

/// <summary>What the loopback server does with one request.</summary>
/// <param name="Status">The HTTP status to answer.</param>
/// <param name="Content">The assistant message content for a 200 (ignored otherwise).</param>
/// <param name="Delay">How long to wait before answering.</param>
/// <param name="RetryAfter">A Retry-After header value, or null.</param>
/// <param name="Malformed">Answer 200 with a body that is not a chat completion.</param>
/// <param name="Hang">Never answer: wait <paramref name="Delay"/> (or until <paramref name="Gate"/> completes), then abort the connection.</param>
/// <param name="Gate">Wait until this task completes (the test releases it) before answering or aborting; the server
/// holds the request meanwhile. Lets a test hold a request without any clock.</param>
internal sealed record LoopbackReply(int Status = 200, string Content = "", TimeSpan Delay = default, string? RetryAfter = null,
    bool Malformed = false, bool Hang = false, Task? Gate = null);

/// <summary>One request the server saw.</summary>
internal sealed record LoopbackRequest(string ItemText, int Attempt, bool HasResponseFormat, TimeSpan At, LoopbackReply Reply)
{
    /// <summary>Whether the client got a well-formed answer (what a provider would bill).</summary>
    public bool Answered => Reply.Status == 200 && !Reply.Malformed && !Reply.Hang;

    /// <summary>The request's <c>response_format</c> as raw JSON, or null when it had none.</summary>
    public string? ResponseFormat { get; init; }
}

/// <summary>
/// A tiny OpenAI chat-completions endpoint on 127.0.0.1 (HttpListener, from the BCL), driven by a callback. It serves at
/// most <c>maxRequests</c> requests and stops by itself after <c>lifetime</c> (default 10 minutes) or when disposed.
/// </summary>
internal sealed class LoopbackOpenAIServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Func<string, int, bool, LoopbackReply> _handler;
    private readonly ConcurrentDictionary<string, int> _attempts = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<LoopbackRequest> _requests = new();
    private readonly CancellationTokenSource _stop;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Task _loop;
    private readonly int _maxRequests;
    private int _served;

    /// <param name="handler">(item text, attempt number from 1, has response_format) to the reply.</param>
    /// <param name="maxRequests">The most requests served; later ones get 503 without counting as answered.</param>
    /// <param name="lifetime">The server stops by itself after this long. Default: 10 minutes.</param>
    public LoopbackOpenAIServer(Func<string, int, bool, LoopbackReply> handler, int maxRequests = 10_000, TimeSpan? lifetime = null)
    {
        _handler = handler;
        _maxRequests = maxRequests;
        Port = FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _stop = new CancellationTokenSource(lifetime ?? TimeSpan.FromMinutes(10)); // a hang guard, not a speed bound
        _loop = Task.Run(LoopAsync);
    }

    public int Port { get; }

    public Uri Endpoint => new($"http://127.0.0.1:{Port}/v1");

    public IReadOnlyList<LoopbackRequest> Requests => _requests.ToArray();

    private static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    private async Task LoopAsync()
    {
        using var registration = _stop.Token.Register(() => _listener.Stop());
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception) when (_stop.IsCancellationRequested || !_listener.IsListening)
            {
                return;
            }
            _ = Task.Run(() => ServeAsync(context));
        }
    }

    private async Task ServeAsync(HttpListenerContext context)
    {
        var response = context.Response;
        try
        {
            string body;
            using (var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8))
            {
                body = await reader.ReadToEndAsync().ConfigureAwait(false);
            }
            if (Interlocked.Increment(ref _served) > _maxRequests)
            {
                response.StatusCode = 503;
                response.Close();
                return;
            }

            using var doc = JsonDocument.Parse(body);
            string text = LastUserText(doc.RootElement);
            bool hasFormat = doc.RootElement.TryGetProperty("response_format", out var format);
            int attempt = _attempts.AddOrUpdate(text, 1, (_, n) => n + 1);
            var reply = _handler(text, attempt, hasFormat);
            _requests.Enqueue(new LoopbackRequest(text, attempt, hasFormat, _clock.Elapsed, reply) { ResponseFormat = hasFormat ? format.GetRawText() : null });

            if (reply.Gate is not null)
            {
                await reply.Gate.WaitAsync(_stop.Token).ConfigureAwait(false);
            }
            if (reply.Delay > TimeSpan.Zero)
            {
                await Task.Delay(reply.Delay, _stop.Token).ConfigureAwait(false);
            }
            if (reply.Hang)
            {
                response.Abort();
                return;
            }

            response.StatusCode = reply.Status;
            if (reply.RetryAfter is not null)
            {
                response.Headers["Retry-After"] = reply.RetryAfter;
            }
            response.ContentType = "application/json";
            string payload = reply.Status != 200
                ? "{\"error\":{\"message\":\"loopback error " + reply.Status + "\",\"type\":\"test\",\"code\":null}}"
                : reply.Malformed
                    ? "{\"id\": \"chatcmpl-x\", \"choices\": [ {\"message\": tru"
                    : Completion(reply.Content);
            byte[] bytes = Encoding.UTF8.GetBytes(payload);
            response.ContentLength64 = bytes.Length;
            await response.OutputStream.WriteAsync(bytes).ConfigureAwait(false);
            response.Close();
        }
        catch (Exception)
        {
            // The client went away (timeout) or the server is stopping.
            try
            {
                response.Abort();
            }
            catch (Exception)
            {
                // Already closed.
            }
        }
    }

    private static string LastUserText(JsonElement root)
    {
        string text = string.Empty;
        foreach (var message in root.GetProperty("messages").EnumerateArray())
        {
            if (message.GetProperty("role").GetString() != "user")
            {
                continue;
            }
            var content = message.GetProperty("content");
            text = content.ValueKind == JsonValueKind.String
                ? content.GetString() ?? string.Empty
                : string.Concat(content.EnumerateArray().Select(p => p.TryGetProperty("text", out var t) ? t.GetString() : string.Empty));
        }
        return text;
    }

    private static string Completion(string content)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteString("id", "chatcmpl-loopback");
            writer.WriteString("object", "chat.completion");
            writer.WriteNumber("created", 1_700_000_000);
            writer.WriteString("model", "loopback-model");
            writer.WriteStartArray("choices");
            writer.WriteStartObject();
            writer.WriteNumber("index", 0);
            writer.WriteStartObject("message");
            writer.WriteString("role", "assistant");
            writer.WriteString("content", content);
            writer.WriteEndObject();
            writer.WriteString("finish_reason", "stop");
            writer.WriteEndObject();
            writer.WriteEndArray();
            writer.WriteStartObject("usage");
            writer.WriteNumber("prompt_tokens", 10);
            writer.WriteNumber("completion_tokens", 1);
            writer.WriteNumber("total_tokens", 11);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Stopping.
        }
        _listener.Close();
        _stop.Dispose();
    }
}
