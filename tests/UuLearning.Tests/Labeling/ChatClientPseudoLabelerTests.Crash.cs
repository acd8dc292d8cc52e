using System.Diagnostics;

namespace UuLearning.Tests;

/// <summary>Crash-resume: a separate process labeling into a store is killed outright midway; a rerun completes the work.</summary>
public sealed partial class ChatClientPseudoLabelerTests
{
    [Fact]
    public async Task LabelAsync_ProcessKilledMidRun_RerunLabelsEveryItemExactlyOnceInStore()
    {
        const int count = 200;
        string path = Path.Combine(_directory, "killed.jsonl");
        // The probe answers 150 calls and then hangs, so it is always killed midway (between 100 and 150 stored items),
        // whatever the machine's speed.
        using (var probe = StartCrashProbe(path, count, delayMs: 5, answerLimit: 150))
        {
            var deadline = Stopwatch.StartNew();
            while (CompleteLines(path) < count / 2)
            {
                if (probe.HasExited)
                {
                    Assert.Fail("The probe exited before it could be killed: " + await probe.StandardError.ReadToEndAsync());
                }
                Assert.True(deadline.Elapsed < TimeSpan.FromMinutes(5), "The probe wrote nothing for 5 minutes: it is stuck."); // a hang guard, not a speed bound
                await Task.Delay(2);
            }
            probe.Kill(entireProcessTree: true);
            await probe.WaitForExitAsync();
        }
        int storedBeforeResume = CompleteLines(path);
        Assert.InRange(storedBeforeResume, count / 2, 150); // killed midway, not after the end

        using var client = new TestChatClient
        {
            ModelId = "probe-model",
            GetResponseAsyncCallback = (messages, _, _) =>
                Task.FromResult(TestChatClient.Answer(IsSpam(TestChatClient.ItemText(messages)) ? "spam" : "ham")),
        };
        var items = Items(count);
        IReadOnlyList<PseudoLabelResult> results;
        using (var store = new JsonlAnnotationStore(path))
        {
            var options = new ChatClientPseudoLabelerOptions
            {
                Instruction = "Is this YouTube comment spam?",
                PositiveClassName = "spam",
                NegativeClassName = "ham",
                UseStructuredOutput = false,
                MaxConcurrency = 4,
                Store = store,
            };
            results = await new ChatClientPseudoLabeler(client, options).LabelAsync(items);
        }

        Assert.Equal(count - storedBeforeResume, client.Calls); // what the killed run stored is not paid for again
        Assert.All(items.Zip(results), pair =>
            Assert.Equal(IsSpam(pair.First.Text) ? PseudoLabel.Positive : PseudoLabel.Negative, pair.Second.Label));
        AssertEachIdOnce(path, count);
    }

    private static int CompleteLines(string path)
    {
        if (!File.Exists(path))
        {
            return 0;
        }
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 16);
        var buffer = new byte[1 << 16];
        int lines = 0;
        int read;
        while ((read = stream.Read(buffer)) > 0)
        {
            lines += buffer.AsSpan(0, read).Count((byte)'\n');
        }
        return lines;
    }

    private static Process StartCrashProbe(string storePath, int count, int delayMs, int answerLimit)
    {
        // tests/UuLearning.Tests/bin/<Configuration>/<TargetFramework>/ -> tests/UuLearning.Tests.CrashProbe/bin/<same>/
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        string framework = output.Name;
        string configuration = output.Parent!.Name;
        string testsDirectory = output.Parent.Parent!.Parent!.Parent!.FullName;
        string probe = Path.Combine(testsDirectory, "UuLearning.Tests.CrashProbe", "bin", configuration, framework, "UuLearning.Tests.CrashProbe.dll");
        Assert.True(File.Exists(probe), $"Crash probe not built at {probe}.");

        string host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h ? h
            : Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath! : "dotnet";
        var start = new ProcessStartInfo(host)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in new[] { probe, storePath, count.ToString(System.Globalization.CultureInfo.InvariantCulture), delayMs.ToString(System.Globalization.CultureInfo.InvariantCulture), answerLimit.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(arg);
        }
        return Process.Start(start) ?? throw new InvalidOperationException("Could not start the crash probe.");
    }
}
