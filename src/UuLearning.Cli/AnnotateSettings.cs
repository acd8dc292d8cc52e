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

    /// <summary>Comma-separated class names (<c>--classes</c>): a K-class run writing class names; null for a binary run.</summary>
    public string? Classes { get; init; }

    public string? Endpoint { get; init; }

    public required string Model { get; init; }

    public string? ApiKey { get; init; }

    public int Concurrency { get; init; } = 4;

    public bool StructuredOutput { get; init; } = true;

    /// <summary>The labeler's retries per item (the only retry layer: the OpenAI client's own retries are off).</summary>
    public int MaxRetries { get; init; } = 5;

    /// <summary>The longest one request may take, in seconds, before it is abandoned and retried.</summary>
    public double TimeoutSeconds { get; init; } = 100;

    /// <summary>The price of one million input tokens, for the cost line; null = no cost line.</summary>
    public decimal? PriceInputPerMillion { get; init; }

    /// <summary>The price of one million output tokens, for the cost line; null = no cost line.</summary>
    public decimal? PriceOutputPerMillion { get; init; }

    /// <summary>Label only <see cref="DryRunItems"/> texts (spread over the file), estimate tokens and cost for all, write no output.</summary>
    public bool DryRun { get; init; }

    /// <summary>How many texts a dry run labels.</summary>
    public int DryRunItems { get; init; } = 5;
}
