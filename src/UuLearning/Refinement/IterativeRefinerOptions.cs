using System.Globalization;

namespace UuLearning;

/// <summary>Options for <see cref="IterativeRefiner"/>.</summary>
/// <remarks>Validated once by the refiner's constructor; the refiner keeps a copy.</remarks>
public sealed class IterativeRefinerOptions
{
    /// <summary>The most rounds to run.</summary>
    /// <value>Default 5 (the paper's); 1 to 100.</value>
    public int MaxRounds { get; set; } = 5;

    /// <summary>Stop early when the share of items whose label flipped in a round falls below this.</summary>
    /// <value>Default 0.001; 0 (never stop early) to 1.</value>
    public double FlipTolerance { get; set; } = 0.001;

    /// <summary>Which labeling to return.</summary>
    /// <value>Default <see cref="RoundSelection.DoNoHarm"/>: the initial labels unless the evidence says a refined round is better.</value>
    public RoundSelection Selection { get; set; } = RoundSelection.DoNoHarm;

    /// <summary>How each round turns scores into labels (fed back as the next round's training labels).</summary>
    /// <value>Default <see cref="RelabelingRule.Posterior"/>; <see cref="RelabelingRule.Sign"/> is the paper's rule.</value>
    public RelabelingRule Relabeling { get; set; } = RelabelingRule.Posterior;

    /// <summary>Cross-fitting folds: each round trains this many scorers, each on the other folds' labels, and scores every
    /// item with the scorer that never saw its label, so posteriors and accuracy estimates are honest. 1 scores in-sample
    /// (one training per round, the paper's behaviour).</summary>
    /// <value>Default 5; 1 to 20.</value>
    public int CrossFitFolds { get; set; } = 5;

    /// <summary>The do-no-harm margin: a refined round may replace the initial labels only when its estimated gain over
    /// them is positive and the lower end of the gain's interval (at <see cref="ConfidenceLevel"/>) is above minus this
    /// (a non-inferiority test). 0 demands a gain proven at the confidence level, which 50 labels rarely give unless the
    /// gain is large.</summary>
    /// <value>Default 0.01 (one accuracy point); 0 to 0.2.</value>
    public double HarmTolerance { get; set; } = 0.01;

    /// <summary>Each round also offers a cautious candidate: the initial labels with only the items flipped whose
    /// posterior gives the other class more than this. Few, confident flips can prove a gain that 50 labels cannot prove
    /// for the round's full relabeling.</summary>
    /// <value>Default 0.9; above 0.5 and below 1.</value>
    public double ConfidentFlipThreshold { get; set; } = 0.9;

    /// <summary>Nominal coverage of the intervals (sample agreement, estimated accuracy and gain) and so of the do-no-harm decision.</summary>
    /// <value>Default 0.95; between 0.5 and 0.999.</value>
    public double ConfidenceLevel { get; set; } = 0.95;

    /// <summary>Options of the trainer used each round.</summary>
    /// <value>Default: a new <see cref="UuTrainerOptions"/>.</value>
    public UuTrainerOptions Trainer { get; set; } = new();

    /// <summary>Checks every option; throws for the first invalid one, naming the property.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is outside its range.</exception>
    /// <exception cref="ArgumentNullException"><see cref="Trainer"/> is null.</exception>
    public void Validate() => UuLearning.DependencyInjection.IterativeRefinerOptionsValidator.Instance.ThrowIfInvalid(this);

    /// <summary>A deep copy of these options.</summary>
    /// <returns>A new instance.</returns>
    public IterativeRefinerOptions Clone()
    {
        var copy = (IterativeRefinerOptions)MemberwiseClone();
        copy.Trainer = Trainer?.Clone()!;
        return copy;
    }
}
