namespace UuLearning;

/// <summary>A snapshot of a labeling run, reported through <see cref="IProgress{T}"/> after each item.</summary>
/// <param name="Total">The number of items in the run.</param>
/// <param name="Completed">Items finished so far (including those taken from the store and those that failed).</param>
/// <param name="Labeled">Finished items with a positive or negative label.</param>
/// <param name="Abstained">Finished items abstained (on purpose, unreadable or refused), failures excluded.</param>
/// <param name="Failed">Finished items for which no answer was obtained (<see cref="LabelingOutcome.Failed"/>).</param>
/// <param name="FromStore">Finished items taken from the annotation store without a call.</param>
/// <param name="Calls">Model calls (attempts) made so far in this run, retries included. When the chat client does not
/// retry on its own, this is the number of HTTP requests.</param>
/// <param name="Elapsed">Time since the run started.</param>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record LabelingProgress(
    int Total, int Completed, int Labeled, int Abstained, int Failed, int FromStore, long Calls, TimeSpan Elapsed)
{
    /// <summary>Answers received in this run (calls that returned a readable response; what a provider bills for sure).</summary>
    /// <value>Default: 0.</value>
    public long Answers { get; init; }

    /// <summary>Retries made in this run, by cause.</summary>
    /// <value>Default: none.</value>
    public LabelingRetries Retries { get; init; } = new(0, 0, 0, 0, 0);

    /// <summary>Attempts abandoned after the attempt timeout: the provider may have billed them although no answer arrived.</summary>
    /// <value>Default: 0.</value>
    public long TimedOutAttempts { get; init; }

    /// <summary>Input tokens the provider reported for the answers received in this run (not those from the store).</summary>
    /// <value>Default: 0.</value>
    public long InputTokens { get; init; }

    /// <summary>Output tokens the provider reported for the answers received in this run (not those from the store).</summary>
    /// <value>Default: 0.</value>
    public long OutputTokens { get; init; }

    /// <summary>Model calls per second since the run started (0 before any time has passed).</summary>
    public double CallsPerSecond => Elapsed > TimeSpan.Zero ? Calls / Elapsed.TotalSeconds : 0;
}
