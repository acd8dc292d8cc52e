namespace UuLearning.Cli.Tests;

/// <summary>Runs the CLI in-process and captures its output.</summary>
internal sealed record CliRun(int ExitCode, string Output, string Error)
{
    public string[] ErrorLines => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    public static Task<CliRun> RunAsync(IDictionary<string, string>? environment, params string[] args) =>
        RunAsync(environment, TimeProvider.System, args);

    public static async Task<CliRun> RunAsync(IDictionary<string, string>? environment, TimeProvider time, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var app = new CliApp(output, error, name => environment is not null && environment.TryGetValue(name, out var v) ? v : null, timeProvider: time);
        int code = await app.RunAsync(args);
        return new CliRun(code, output.ToString(), error.ToString());
    }

    public static Task<CliRun> RunAsync(params string[] args) => RunAsync(null, args);
}

/// <summary>A temporary folder deleted after the test.</summary>
public abstract class TempFolderTest : IDisposable
{
    protected TempFolderTest()
    {
        Folder = Path.Combine(Path.GetTempPath(), "uulearning-cli-tests-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(Folder);
    }

    protected string Folder { get; }

    protected string PathOf(string name) => Path.Combine(Folder, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
        GC.SuppressFinalize(this);
    }
}
