namespace UuLearning.Cli;

/// <summary>The process exit codes of the tool.</summary>
internal static class ExitCodes
{
    /// <summary>Success.</summary>
    public const int Success = 0;

    /// <summary>The input, a sample, a label or the data cannot support the request (one line on stderr says why).</summary>
    public const int DataError = 1;

    /// <summary>The command line is invalid (unknown option, missing required option, bad value).</summary>
    public const int UsageError = 2;

    /// <summary>An unexpected failure (a bug): the message names the exception.</summary>
    public const int InternalError = 3;

    /// <summary><c>annotate</c>: some texts got no answer (listed on stderr); the others are labeled and stored.</summary>
    public const int PartialFailure = 4;

    /// <summary>Cancelled with Ctrl+C.</summary>
    public const int Cancelled = 130;
}
