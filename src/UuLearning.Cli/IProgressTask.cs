namespace UuLearning.Cli;

/// <summary>One piece of work shown by a <see cref="ProgressDisplay"/>: a live bar on a terminal, plain lines when the
/// output is redirected.</summary>
/// <remarks>Thread-safe: <see cref="Value"/> may be set from several threads (a labeler reports from its workers).</remarks>
internal interface IProgressTask
{
    /// <summary>What is being done ("Labeling 300 texts with gpt-4o-mini").</summary>
    string Description { get; set; }

    /// <summary>The work done so far, from 0 to <see cref="MaxValue"/>.</summary>
    double Value { get; set; }

    /// <summary>The total work.</summary>
    double MaxValue { get; }

    /// <summary>The work is over (done, or stopped short): show its final state.</summary>
    void StopTask();
}
