namespace UuLearning;

/// <summary>A snapshot of a labeling run, reported through <see cref="IProgress{T}"/> after each item.</summary>
/// <param name="Total">The number of items in the run.</param>
/// <param name="Completed">Items finished so far (including those taken from the store and those that failed).</param>
/// <param name="Labeled">Finished items with a positive or negative label.</param>
/// <param name="Abstained">Finished items abstained (on purpose, unreadable or refused), failures excluded.</param>
/// <param name="Failed">Finished items for which no answer was obtained (<see cref="LabelingOutcome.Failed"/>).</param>
/// <param name="FromStore">Finished items taken from the annotation store without a call.</param>
/// <param name="Calls">Model calls made so far in this run, retries included.</param>
/// <param name="Elapsed">Time since the run started.</param>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record LabelingProgress(
    int Total, int Completed, int Labeled, int Abstained, int Failed, int FromStore, long Calls, TimeSpan Elapsed)
{
    /// <summary>Model calls per second since the run started (0 before any time has passed).</summary>
    public double CallsPerSecond => Elapsed > TimeSpan.Zero ? Calls / Elapsed.TotalSeconds : 0;
}
