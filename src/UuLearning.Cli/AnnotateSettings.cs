namespace UuLearning.Cli;

/// <summary>The options of <c>uulearning annotate</c>.</summary>
internal sealed record AnnotateSettings
{
    public required string Input { get; init; }

    /// <summary>Read invalid UTF-8 as U+FFFD instead of failing (<c>--lossy-utf8</c>).</summary>
    public bool LossyUtf8 { get; init; }

    public required string TextColumn { get; init; }

    public string? IdColumn { get; init; }

    public string LabelColumn { get; init; } = "llm_label";

    public required string Output { get; init; }

    public required string Store { get; init; }

    public required string Instruction { get; init; }

    public string Positive { get; init; } = "positive";

    public string Negative { get; init; } = "negative";

    public string? Endpoint { get; init; }

    public required string Model { get; init; }

    public string? ApiKey { get; init; }

    public int Concurrency { get; init; } = 4;

    public bool StructuredOutput { get; init; } = true;
}
