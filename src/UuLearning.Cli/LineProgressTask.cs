using System.Globalization;
using Spectre.Console;

namespace UuLearning.Cli;

/// <summary>
/// Progress for a redirected output (a log file, a pipe, CI): one plain line, "Labeling 300 texts: 70/300 (23%), 0:12
/// elapsed", whenever the work crosses the next 5 % step, and again whenever <c>interval</c> has passed since the last
/// line, so that a reader never waits longer than the interval for news, however slow the work.
/// </summary>
/// <remarks>Thread-safe. Time comes from the <see cref="TimeProvider"/> (tests drive a fake one).</remarks>
internal sealed class LineProgressTask : IProgressTask, IDisposable
{
    /// <summary>A line at least every this many percent of the work.</summary>
    public const int StepPercent = 5;

    private readonly object _gate = new();
    private readonly IAnsiConsole _console;
    private readonly TimeProvider _time;
    private readonly TimeSpan _interval;
    private readonly long _started;
    private readonly ITimer _heartbeat;
    private string _description;
    private double _value;
    private int _lastStep = -1;
    private bool _stopped;

    /// <summary>Starts the task and prints its first line (0 %).</summary>
    public LineProgressTask(IAnsiConsole console, string description, double maxValue, TimeProvider time, TimeSpan interval)
    {
        _console = console;
        _description = description;
        MaxValue = maxValue;
        _time = time;
        _interval = interval;
        _started = time.GetTimestamp();
        lock (_gate)
        {
            _heartbeat = time.CreateTimer(_ => Heartbeat(), null, interval, interval);
            Print();
        }
    }

    public string Description
    {
        get
        {
            lock (_gate)
            {
                return _description;
            }
        }
        set
        {
            lock (_gate)
            {
                _description = value;
            }
        }
    }

    public double MaxValue { get; }

    public double Value
    {
        get
        {
            lock (_gate)
            {
                return _value;
            }
        }
        set
        {
            lock (_gate)
            {
                if (_stopped)
                {
                    return;
                }
                _value = Math.Clamp(value, 0, MaxValue);
                if (Step() > _lastStep)
                {
                    Print();
                }
            }
        }
    }

    public void StopTask()
    {
        lock (_gate)
        {
            if (_stopped)
            {
                return;
            }
            // The final state, unless the last line already showed it.
            if (Step() > _lastStep || _value < MaxValue)
            {
                Print();
            }
            _stopped = true;
            _heartbeat.Dispose();
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _stopped = true;
            _heartbeat.Dispose();
        }
    }

    private int Percent() => MaxValue > 0 ? (int)Math.Floor(100 * _value / MaxValue) : 100;

    private int Step() => Percent() / StepPercent;

    private void Heartbeat()
    {
        lock (_gate)
        {
            if (!_stopped)
            {
                Print();
            }
        }
    }

    /// <summary>Prints the current state; the next heartbeat is one interval from now. Called under the lock.</summary>
    private void Print()
    {
        _lastStep = Step();
        var elapsed = _time.GetElapsedTime(_started);
        _console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{_description}: {_value:0.##}/{MaxValue:0.##} ({Percent()}%), {(int)elapsed.TotalMinutes}:{elapsed.Seconds:00} elapsed"));
        _heartbeat.Change(_interval, _interval);
    }
}
