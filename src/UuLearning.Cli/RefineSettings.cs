namespace UuLearning.Cli;

/// <summary>The options of <c>uulearning refine</c>, as parsed from the command line.</summary>
internal sealed record RefineSettings
{
    public required string Input { get; init; }

    public required string TextColumn { get; init; }

    public required string LabelColumn { get; init; }

    /// <summary>The id column; null means "id" if present, else the 1-based row number.</summary>
    public string? IdColumn { get; init; }

    public string? GoldColumn { get; init; }

    public int? Labeled { get; init; }

    public string? LabeledFile { get; init; }

    public string LabeledColumn { get; init; } = "gold";

    public string? Positive { get; init; }

    public string? Negative { get; init; }

    /// <summary>Comma-separated class names (<c>--classes</c>): a K-class run; null reads the classes from the data when
    /// the label column holds three or more class names.</summary>
    public string? Classes { get; init; }

    public string Features { get; init; } = FeatureFactory.Hashing;

    public int Rounds { get; init; } = 5;

    public int Seed { get; init; }

    public string Loss { get; init; } = "robust-uu";

    public string Priors { get; init; } = "few-label";

    public string Select { get; init; } = "do-no-harm";

    public string Relabel { get; init; } = "posterior";

    public int Folds { get; init; } = 5;

    /// <summary>The review list's path; null writes none.</summary>
    public string? Review { get; init; }

    public int ReviewCount { get; init; } = 100;

    public string? Output { get; init; }

    public string? Report { get; init; }

    public string? Chart { get; init; }

    /// <summary>Embedding cache folder (MiniLM); null disables the cache.</summary>
    public string? CacheDirectory { get; init; }

    /// <summary>Threads for MiniLM (<c>--minilm-threads</c>, <c>MiniLmEmbeddingGeneratorOptions.IntraOpThreads</c>); null = the generator's default.</summary>
    public int? MiniLmThreads { get; init; }

    public int? Epochs { get; init; }

    public double? LearningRate { get; init; }

    public int? BatchSize { get; init; }

    public string Scorer { get; init; } = "linear";

    public bool Quiet { get; init; }

    /// <summary>Read invalid UTF-8 as U+FFFD instead of failing (<c>--lossy-utf8</c>).</summary>
    public bool LossyUtf8 { get; init; }
}
