namespace UuLearning;

/// <summary>The retries of a labeling run, by cause (see <see cref="LabelingProgress.Retries"/>).</summary>
/// <param name="RateLimited">Retries after HTTP 429 (too many requests).</param>
/// <param name="ServerError">Retries after HTTP 408 or 5xx.</param>
/// <param name="Timeout">Retries after an attempt outlasted the attempt timeout.</param>
/// <param name="Malformed">Retries after a response body that could not be decoded.</param>
/// <param name="Transport">Retries after a connection dropped without an HTTP status.</param>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record LabelingRetries(long RateLimited, long ServerError, long Timeout, long Malformed, long Transport)
{
    /// <summary>All retries.</summary>
    public long Total => RateLimited + ServerError + Timeout + Malformed + Transport;
}
