using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Reflection;
using Polly.Timeout;

namespace UuLearning;

/// <summary>What to do with an exception thrown by a chat client.</summary>
internal enum FailureKind
{
    /// <summary>Retry after a delay (HTTP 408, 429, 5xx, timeouts, dropped connections).</summary>
    Transient,

    /// <summary>Stop the run: retrying cannot help (HTTP 400, 401, 403, 404, ...).</summary>
    Permanent,

    /// <summary>Neither: the item fails (abstained, not stored) and the run goes on.</summary>
    ItemFailure,
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
        if (exception.InnerException is { } inner && inner is HttpRequestException or IOException or TimeoutException)
        {
            return Classify(inner, callerToken);
        }
        return FailureKind.ItemFailure;
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
        for (Exception? e = exception; e is not null; e = e.InnerException)
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
        for (Exception? e = exception; e is not null; e = e.InnerException)
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
