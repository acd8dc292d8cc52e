using Microsoft.Extensions.Time.Testing;

namespace UuLearning.Tests;

/// <summary>
/// Drives a <see cref="FakeTimeProvider"/> while some work runs: whenever the work is idle (every call in flight is one
/// the test holds on purpose), fake time moves on by one step, so that backoff, Retry-After and attempt timeouts elapse
/// without waiting. Verdicts then depend on what happened, not on how fast the machine is.
/// </summary>
internal static class FakeTimeDriver
{
    /// <summary>Runs <paramref name="work"/> to completion, advancing <paramref name="time"/> by <paramref name="step"/>
    /// whenever <paramref name="idle"/> is true; fails if more than <paramref name="limit"/> of fake time is needed.</summary>
    public static async Task<T> RunAsync<T>(Task<T> work, FakeTimeProvider time, Func<bool> idle, TimeSpan step, TimeSpan limit)
    {
        var start = time.GetUtcNow();
        while (!work.IsCompleted)
        {
            if (idle())
            {
                if (time.GetUtcNow() - start > limit)
                {
                    throw new TimeoutException($"The work needed more than {limit} of fake time.");
                }
                time.Advance(step);
            }
            // Real time only to let the work's threads run; nothing is asserted about it.
            await Task.WhenAny(work, Task.Delay(1)).ConfigureAwait(false);
        }
        return await work.ConfigureAwait(false);
    }
}
