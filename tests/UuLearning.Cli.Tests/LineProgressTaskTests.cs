using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Time.Testing;
using Spectre.Console;

namespace UuLearning.Cli.Tests;

/// <summary>The progress lines of a redirected output, under a fake clock: no test here waits for real time.</summary>
[Trait("Category", "TimeSensitive")]
public sealed partial class LineProgressTaskTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    private readonly StringWriter _output = new();
    private readonly FakeTimeProvider _time = new();

    [GeneratedRegex(@": (\d+)/(\d+) \((\d+)%\), (\d+):(\d\d) elapsed$")]
    private static partial Regex LineShape();

    private IAnsiConsole Console()
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(_output),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = 200;
        return console;
    }

    private string[] Lines => _output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();

    private static (int Done, int Percent, TimeSpan Elapsed) Parse(string line)
    {
        var m = LineShape().Match(line);
        Assert.True(m.Success, line);
        int Group(int i) => int.Parse(m.Groups[i].Value, CultureInfo.InvariantCulture);
        return (Group(1), Group(3), TimeSpan.FromMinutes(Group(4)) + TimeSpan.FromSeconds(Group(5)));
    }

    [Fact]
    public void Constructor_Always_PrintsTheStartingLine()
    {
        using var task = new LineProgressTask(Console(), "Labeling 300 texts", 300, _time, Interval);
        Assert.Equal(["Labeling 300 texts: 0/300 (0%), 0:00 elapsed"], Lines);
    }

    [Fact]
    public void Value_EveryFivePercent_PrintsOneLine()
    {
        using var task = new LineProgressTask(Console(), "Labeling 300 texts", 300, _time, Interval);
        for (int done = 1; done <= 300; done++)
        {
            task.Value = done;
        }
        task.StopTask();
        Assert.Equal(Enumerable.Range(0, 21).Select(k => 5 * k), Lines.Select(l => Parse(l).Percent));
        Assert.Equal(Enumerable.Range(0, 21).Select(k => 15 * k), Lines.Select(l => Parse(l).Done));
    }

    [Fact]
    public void Value_NothingFinishesForAnInterval_PrintsTheStateAgain()
    {
        using var task = new LineProgressTask(Console(), "Labeling 300 texts", 300, _time, Interval);
        task.Value = 3;
        _time.Advance(Interval - TimeSpan.FromMilliseconds(1));
        Assert.Single(Lines);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal("Labeling 300 texts: 3/300 (1%), 0:05 elapsed", Lines[^1]);
        _time.Advance(Interval);
        Assert.Equal("Labeling 300 texts: 3/300 (1%), 0:10 elapsed", Lines[^1]);
        Assert.Equal(3, Lines.Length);
    }

    [Fact]
    public void Value_70Of300In12Seconds_NeverSilentForLongerThanTheInterval()
    {
        // The run of issue 12: 70 of 300 items in 12 s, which printed "0%" throughout.
        using var task = new LineProgressTask(Console(), "Labeling 300 texts", 300, _time, Interval);
        var step = TimeSpan.FromSeconds(12) / 70;
        for (int done = 1; done <= 70; done++)
        {
            _time.Advance(step);
            task.Value = done;
        }
        var lines = Lines.Select(Parse).ToArray();
        Assert.Equal([0, 5, 10, 15, 20], lines.Select(l => l.Percent).Distinct());
        _time.Advance(Interval); // still running at 70: the next line comes one interval after the 20 % line at most
        Assert.Equal(70, Lines.Select(Parse).Last().Done);
        for (int i = 1; i < lines.Length; i++)
        {
            Assert.True(lines[i].Elapsed - lines[i - 1].Elapsed <= Interval, string.Join(" | ", Lines));
        }
    }

    [Fact]
    public void Value_AfterALine_HeartbeatWaitsAFullIntervalFromThatLine()
    {
        using var task = new LineProgressTask(Console(), "Work", 100, _time, Interval);
        _time.Advance(TimeSpan.FromSeconds(4));
        task.Value = 5; // a 5 % line at 0:04
        _time.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal(2, Lines.Length); // no heartbeat at 0:05: the last line is only 1 s old
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("Work: 5/100 (5%), 0:09 elapsed", Lines[^1]);
    }

    [Fact]
    public void StopTask_StoppedShort_PrintsTheFinalStateThenStaysQuiet()
    {
        var task = new LineProgressTask(Console(), "Work", 100, _time, Interval);
        task.Value = 42;
        task.StopTask();
        int count = Lines.Length;
        Assert.Equal("Work: 42/100 (42%), 0:00 elapsed", Lines[^1]);
        _time.Advance(TimeSpan.FromMinutes(1));
        task.Value = 50;
        task.Dispose();
        Assert.Equal(count, Lines.Length);
    }

    [Fact]
    public void StopTask_AfterTheHundredPercentLine_DoesNotRepeatIt()
    {
        using var task = new LineProgressTask(Console(), "Work", 10, _time, Interval);
        task.Value = 10;
        task.StopTask();
        Assert.Equal(["Work: 0/10 (0%), 0:00 elapsed", "Work: 10/10 (100%), 0:00 elapsed"], Lines);
    }

    [Fact]
    public async Task Value_FromManyThreads_PrintsEachStepOnceInOrder()
    {
        using var task = new LineProgressTask(Console(), "Work", 1000, _time, Interval);
        int done = 0;
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            for (int i = 0; i < 250; i++)
            {
                int d = Interlocked.Increment(ref done);
                lock (task)
                {
                    // The labeler reports monotonically increasing counts; keep that order here.
                    task.Value = Math.Max(task.Value, d);
                }
            }
        })));
        var percents = Lines.Select(l => Parse(l).Percent).ToArray();
        Assert.Equal(Enumerable.Range(0, 21).Select(k => 5 * k), percents);
    }
}
