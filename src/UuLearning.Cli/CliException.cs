namespace UuLearning.Cli;

/// <summary>A mistake the user can fix: reported as one line on standard error with a non-zero exit code.</summary>
internal sealed class CliException : Exception
{
    public CliException(string message, int exitCode = ExitCodes.DataError)
        : base(message) => ExitCode = exitCode;

    public CliException()
        : this("The command failed.")
    {
    }

    public CliException(string message, Exception innerException)
        : base(message, innerException) => ExitCode = ExitCodes.DataError;

    public int ExitCode { get; }
}
