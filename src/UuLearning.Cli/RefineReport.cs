using System.Text.Json;
using System.Text.Json.Serialization;

namespace UuLearning.Cli;

/// <summary>The JSON report of <c>uulearning refine</c> (--report). Field names are camelCase; see docs/cli.md.</summary>
internal sealed record RefineReport
{
    public const string SchemaVersion = "uulearning.refine/1";

    public string Schema { get; init; } = SchemaVersion;

    public required string Input { get; init; }

    public required int Items { get; init; }

    public required int Abstained { get; init; }

    public required SampleInfo LabeledSample { get; init; }

    public required string Features { get; init; }

    public required string Loss { get; init; }

    public required string Priors { get; init; }

    public required string PriorMethod { get; init; }

    /// <summary>Set when the run used a research-only setting (oracle priors): its numbers are not attainable by a user.</summary>
    public string? ResearchSetting { get; init; }

    public required string Selection { get; init; }

    /// <summary>"posterior" or "sign": how each round turned its scores into labels.</summary>
    public string Relabeling { get; init; } = "posterior";

    /// <summary>Cross-fitting folds (1 = in-sample scores).</summary>
    public int Folds { get; init; } = 5;

    public required int Seed { get; init; }

    public required TrainerInfo Trainer { get; init; }

    public required IReadOnlyList<RoundEntry> Rounds { get; init; }

    /// <summary>Share of the labeled sample on which the initial labels equal the gold ones (abstained counted as
    /// negative): the "round 0" figure to compare with each round's sample agreement.</summary>
    public required double InitialSampleAgreement { get; init; }

    public required int ChosenRound { get; init; }

    /// <summary>Whether the returned labels are the chosen round's cautious variant (initial labels, confident flips only).</summary>
    public bool ConfidentFlipsOnly { get; init; }

    /// <summary>Why the returned labels were chosen (the do-no-harm evidence per round).</summary>
    public required string SelectionDetail { get; init; }

    /// <summary>The returned labels' estimated accuracy on the items outside the labeled sample, with its interval.</summary>
    public required Interval EstimatedAccuracy { get; init; }

    /// <summary>The initial labels' estimated accuracy on the same items, under the same posteriors.</summary>
    public required Interval InitialEstimatedAccuracy { get; init; }

    public required string StopReason { get; init; }

    public required string StopDetail { get; init; }

    public required int Changed { get; init; }

    public string? GoldColumn { get; init; }

    /// <summary>The items the gold figures are computed on: those with a gold label, outside the labeled sample.</summary>
    public int? GoldItems { get; init; }

    public Score? Initial { get; init; }

    public Score? Final { get; init; }

    public required double Seconds { get; init; }

    public static JsonSerializerOptions JsonOptions { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    internal sealed record SampleInfo(int Size, int Positives, int Negatives, string Source);

    internal sealed record TrainerInfo(string Scorer, int Epochs, double LearningRate, int BatchSize);

    internal sealed record Interval(double Value, double Lower, double Upper);

    internal sealed record Score(double Accuracy, double F1);

    internal sealed record RoundEntry(
        int Round,
        Interval ThetaP,
        Interval ThetaN,
        Interval Pi,
        int Flips,
        int NewlyLabeled,
        double PositiveShare,
        Interval SampleAgreement,
        double Seconds,
        Interval EstimatedAccuracy,
        Interval EstimatedGain,
        bool Eligible,
        double? Accuracy,
        double? F1);
}
