using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Security.Authentication;
using System.Text.Json;
using Polly.Timeout;

namespace UuLearning;

/// <summary>What to do with an exception thrown by a chat client.</summary>
internal enum FailureKind
{
    /// <summary>Retry after a delay (HTTP 408, 429, 5xx, timeouts, dropped connections).</summary>
    Transient,

    /// <summary>Stop the run: retrying cannot help (HTTP 400, 401, 403, 404, ...).</summary>
    Permanent,

    /// <summary>Stop the run: the endpoint cannot be reached at all (connection refused, unknown host, TLS failure).</summary>
    Unreachable,

    /// <summary>Retry: an answer arrived but could not be decoded (a malformed response body).</summary>
    Malformed,

    /// <summary>Neither: the item fails (abstained, not stored) and the run goes on.</summary>
    ItemFailure,
}

/// <summary>Why the labeler retried an attempt.</summary>
internal enum RetryCause
{
    /// <summary>HTTP 429.</summary>
    RateLimited,

    /// <summary>HTTP 408 or 5xx.</summary>
    ServerError,

    /// <summary>The attempt took longer than the attempt timeout (the provider may have billed it).</summary>
    Timeout,

    /// <summary>The answer could not be decoded.</summary>
    Malformed,

    /// <summary>The connection dropped (an I/O error) without a status.</summary>
    Transport,
}

/// <summary>
/// Classifies chat-client exceptions without referencing any provider's SDK: it reads
/// <see cref="HttpRequestException.StatusCode"/>, and duck-types an <c>int Status</c> property and a
/// <c>GetRawResponse()</c> method with headers (as <c>System.ClientModel.ClientResultException</c>, thrown by the OpenAI
/// and Azure OpenAI clients, and <c>Azure.RequestFailedException</c> have).
/// </summary>
/// <remarks>Thread-safe.</remarks>
internal static class FailureClassifier
{
    private static readonly ConcurrentDictionary<Type, Accessors> s_accessors = new();

    public static FailureKind Classify(Exception exception, CancellationToken callerToken)
    {
        if (exception is AggregateException { InnerExceptions.Count: > 0 } aggregate)
        {
            // The OpenAI client's own retry layer wraps its attempts' failures ("Retry failed after N tries").
            exception = aggregate.InnerExceptions[^1];
        }
        if (IsUnreachable(exception))
        {
            return FailureKind.Unreachable;
        }
        switch (exception)
        {
            case OperationCanceledException when callerToken.IsCancellationRequested:
                return FailureKind.ItemFailure; // not reached by the labeler: it rethrows the caller's cancellation first
            case TimeoutRejectedException or TimeoutException or OperationCanceledException:
                return FailureKind.Transient; // a timeout (ours or the client's), not the caller's cancellation
            case HttpRequestException http:
                return http.StatusCode is HttpStatusCode code ? FromStatus((int)code) : FailureKind.Transient;
            case IOException:
                return FailureKind.Transient;
        }

        if (TryGetStatus(exception, out int status) && status > 0)
        {
            return FromStatus(status);
        }
        if (exception.InnerException is { } inner && inner is HttpRequestException or IOException or TimeoutException or AggregateException)
        {
            return Classify(inner, callerToken);
        }
        if (Find<JsonException>(exception) is not null)
        {
            return FailureKind.Malformed;
        }
        return FailureKind.ItemFailure;
    }

    /// <summary>Why a retry happens, for the run's counters.</summary>
    public static RetryCause CauseOf(Exception exception)
    {
        if (TryGetStatus(exception, out int status))
        {
            return status == 429 ? RetryCause.RateLimited : RetryCause.ServerError;
        }
        if (Find<TimeoutRejectedException>(exception) is not null || Find<TimeoutException>(exception) is not null
            || exception is OperationCanceledException)
        {
            return RetryCause.Timeout;
        }
        return Find<JsonException>(exception) is not null ? RetryCause.Malformed : RetryCause.Transport;
    }

    /// <summary>
    /// Whether the exception says the endpoint cannot be reached at all: the connection was refused, the host name is
    /// unknown, or the TLS handshake failed. A connection dropped mid-answer is not this (it is transient).
    /// </summary>
    public static bool IsUnreachable(Exception exception)
    {
        foreach (var e in Chain(exception))
        {
            switch (e)
            {
                case HttpRequestException { StatusCode: null, HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError }:
                case SocketException { SocketErrorCode: SocketError.ConnectionRefused or SocketError.HostNotFound or SocketError.HostUnreachable or SocketError.NetworkUnreachable or SocketError.NoData or SocketError.TryAgain }:
                case AuthenticationException:
                    return true;
            }
        }
        return false;
    }

    /// <summary>The exception's message and those of its inner exceptions, on one line (never cut): line breaks and
    /// runs of white space become one space, and an inner message already contained in the outer one is not repeated.</summary>
    public static string OneLine(Exception exception)
    {
        var parts = new List<string>();
        foreach (var e in Chain(exception))
        {
            string text = Flatten(e.Message);
            if (text.Length > 0 && !parts.Any(p => p.Contains(text, StringComparison.Ordinal)))
            {
                parts.Add(text);
            }
        }
        return string.Join(" <- ", parts);
    }

    /// <summary>Replaces line breaks and runs of white space by one space.</summary>
    public static string Flatten(string text) =>
        string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    private static T? Find<T>(Exception exception) where T : Exception =>
        Chain(exception).OfType<T>().FirstOrDefault();

    /// <summary>The exception, its inner exceptions, and the inner exceptions of aggregates, depth first.</summary>
    private static IEnumerable<Exception> Chain(Exception exception)
    {
        var stack = new Stack<Exception>();
        stack.Push(exception);
        int guard = 0;
        while (stack.Count > 0 && guard++ < 64)
        {
            var e = stack.Pop();
            yield return e;
            if (e is AggregateException aggregate)
            {
                for (int i = aggregate.InnerExceptions.Count - 1; i >= 0; i--)
                {
                    stack.Push(aggregate.InnerExceptions[i]);
                }
            }
            else if (e.InnerException is { } inner)
            {
                stack.Push(inner);
            }
        }
    }

    public static FailureKind FromStatus(int status) => status switch
    {
        408 or 429 => FailureKind.Transient,
        >= 500 and <= 599 => FailureKind.Transient,
        >= 400 and <= 499 => FailureKind.Permanent,
        _ => FailureKind.ItemFailure,
    };

    /// <summary>Reads an HTTP status from the exception (or its inner exception), if it carries one.</summary>
    public static bool TryGetStatus(Exception exception, out int status)
    {
        foreach (var e in Chain(exception))
        {
            if (e is HttpRequestException { StatusCode: HttpStatusCode code })
            {
                status = (int)code;
                return true;
            }
            var accessors = s_accessors.GetOrAdd(e.GetType(), Accessors.Create);
            if (accessors.Status?.GetValue(e) is int s && s > 0)
            {
                status = s;
                return true;
            }
        }
        status = 0;
        return false;
    }

    /// <summary>Reads a Retry-After delay (seconds or HTTP date) from the exception's raw response, if there is one.</summary>
    public static TimeSpan? GetRetryAfter(Exception exception, TimeProvider timeProvider)
    {
        foreach (var e in Chain(exception))
        {
            var accessors = s_accessors.GetOrAdd(e.GetType(), Accessors.Create);
            if (accessors.GetRawResponse is null)
            {
                continue;
            }
            try
            {
                object? response = accessors.GetRawResponse.Invoke(e, null);
                object? headers = response?.GetType().GetProperty("Headers")?.GetValue(response);
                if (headers is null)
                {
                    continue;
                }
                var tryGet = headers.GetType().GetMethod("TryGetValue", [typeof(string), typeof(string).MakeByRefType()]);
                object?[] args = ["Retry-After", null];
                if (tryGet?.Invoke(headers, args) is true && args[1] is string value)
                {
                    return ParseRetryAfter(value, timeProvider);
                }
            }
            catch (TargetInvocationException)
            {
                // The exception carries no readable response: no Retry-After.
            }
        }
        return null;
    }

    public static TimeSpan? ParseRetryAfter(string value, TimeProvider timeProvider)
    {
        value = value.Trim();
        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) && seconds >= 0)
        {
            return TimeSpan.FromSeconds(seconds);
        }
        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
        {
            var delay = date - timeProvider.GetUtcNow();
            return delay > TimeSpan.Zero ? delay : TimeSpan.Zero;
        }
        return null;
    }

    private sealed record Accessors(PropertyInfo? Status, MethodInfo? GetRawResponse)
    {
        public static Accessors Create(Type type)
        {
            var status = type.GetProperty("Status", BindingFlags.Public | BindingFlags.Instance);
            var raw = type.GetMethod("GetRawResponse", BindingFlags.Public | BindingFlags.Instance, Type.EmptyTypes);
            return new Accessors(status?.PropertyType == typeof(int) ? status : null, raw);
        }
    }
}
