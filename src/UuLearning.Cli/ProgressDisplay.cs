using Spectre.Console;

namespace UuLearning.Cli;

/// <summary>
/// Shows the progress of a command: live bars (Spectre.Console) on a terminal; on a redirected output, plain lines
/// (<see cref="LineProgressTask"/>) at every 5 % and at least every <see cref="Interval"/>. Spectre's own fallback for
/// redirected output prints only at 25 % milestones and otherwise stays silent for 30 s, which reads as a hang.
/// </summary>
internal sealed class ProgressDisplay
{
    /// <summary>The longest silence on a redirected output while work is in progress, by default.</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(5);

    private readonly IAnsiConsole _console;
    private readonly bool _live;
    private readonly TimeProvider _time;
    private readonly bool _showRemainingTime;

    /// <param name="console">Where to show progress.</param>
    /// <param name="live">Live bars (a terminal) rather than lines.</param>
    /// <param name="time">The clock of the line display.</param>
    /// <param name="interval">The longest silence between lines. Default: <see cref="DefaultInterval"/>.</param>
    /// <param name="showRemainingTime">Show an estimate of the time left on a terminal.</param>
    public ProgressDisplay(IAnsiConsole console, bool live, TimeProvider time, TimeSpan? interval = null, bool showRemainingTime = false)
    {
        _console = console;
        _live = live;
        _time = time;
        Interval = interval ?? DefaultInterval;
        _showRemainingTime = showRemainingTime;
    }

    /// <summary>The longest silence between lines on a redirected output.</summary>
    public TimeSpan Interval { get; }

    /// <summary>Runs <paramref name="work"/>, which adds its tasks through the function it is given (description,
    /// total) and updates them.</summary>
    /// <param name="work">The work.</param>
    public async Task RunAsync(Func<Func<string, double, IProgressTask>, Task> work)
    {
        if (_live)
        {
            var columns = new List<ProgressColumn> { new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn() };
            if (_showRemainingTime)
            {
                columns.Add(new RemainingTimeColumn());
            }
            await _console.Progress()
                .AutoClear(false)
                .HideCompleted(false)
                .Columns(columns.ToArray())
                .StartAsync(ctx => work((description, max) => new LiveTask(ctx.AddTask(description, maxValue: max))))
                .ConfigureAwait(false);
            return;
        }

        var tasks = new List<LineProgressTask>();
        try
        {
            await work((description, max) =>
            {
                var task = new LineProgressTask(_console, description, max, _time, Interval);
                tasks.Add(task);
                return task;
            }).ConfigureAwait(false);
        }
        finally
        {
            foreach (var task in tasks)
            {
                task.Dispose();
            }
        }
    }

    /// <summary>A Spectre.Console progress bar.</summary>
    private sealed class LiveTask(ProgressTask task) : IProgressTask
    {
        public string Description
        {
            get => task.Description;
            set => task.Description = value;
        }

        public double Value
        {
            get => task.Value;
            set => task.Value = value;
        }

        public double MaxValue => task.MaxValue;

        public void StopTask() => task.StopTask();
    }
}
