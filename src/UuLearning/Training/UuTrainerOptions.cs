using System.Globalization;

namespace UuLearning;

/// <summary>Options for <see cref="UuTrainer"/>: the objective, the scorer, and the optimisation recipe.</summary>
/// <remarks>
/// The recipe follows the paper's (AdamW, cosine schedule with warm-up, a held-out share of the pseudo-labeled items
/// whose risk, computed with pseudo-labels only, picks the best epoch), with defaults tuned for a small head on fixed
/// text features rather than for QLoRA fine-tuning of an LLM. Options are validated once, by the consumer's constructor,
/// through <see cref="Validate"/>. Not thread-safe while being mutated.
/// </remarks>
public sealed class UuTrainerOptions
{
    /// <summary>The risk minimised.</summary>
    /// <value>Default <see cref="UuObjective.RobustUu"/>.</value>
    public UuObjective Objective { get; set; } = UuObjective.RobustUu;

    /// <summary>Negative slope of the robust risk's generalized leaky ReLU.</summary>
    /// <value>Default -0.001 (the paper's); must be negative.</value>
    public double Lambda { get; set; } = UuRiskFunctions.DefaultLambda;

    /// <summary>The surrogate loss.</summary>
    /// <value>Default <see cref="SurrogateLoss.Sigmoid"/> (the paper's).</value>
    public SurrogateLoss Surrogate { get; set; } = SurrogateLoss.Sigmoid;

    /// <summary>The scorer trained each round.</summary>
    /// <value>Default <see cref="ScorerArchitecture.Linear"/>.</value>
    public ScorerArchitecture Scorer { get; set; } = ScorerArchitecture.Linear();

    /// <summary>Passes over the training items per round.</summary>
    /// <value>Default 30; 1 to 10,000.</value>
    public int Epochs { get; set; } = 30;

    /// <summary>Items per optimisation step (each batch holds both pseudo-labeled sets in proportion).</summary>
    /// <value>Default 64; 2 to 1,000,000.</value>
    public int BatchSize { get; set; } = 64;

    /// <summary>Peak learning rate of AdamW.</summary>
    /// <value>Default 0.01; greater than 0 and at most 10.</value>
    public double LearningRate { get; set; } = 0.01;

    /// <summary>AdamW's decoupled weight decay.</summary>
    /// <value>Default 0.01; 0 to 10.</value>
    public double WeightDecay { get; set; } = 0.01;

    /// <summary>Share of all optimisation steps spent warming the learning rate up linearly, before the cosine decay.</summary>
    /// <value>Default 0.03 (the paper's 3 %); 0 to 0.5.</value>
    public double WarmupFraction { get; set; } = 0.03;

    /// <summary>Share of each pseudo-labeled set held out to pick the best epoch by its risk (pseudo-labels only, never gold).</summary>
    /// <value>Default 0.125 (the paper's); 0 (keep the last epoch) to 0.5.</value>
    public double HoldoutFraction { get; set; } = 0.125;

    /// <summary>Seed for initialisation, shuffling, dropout and the hold-out split. The same seed and inputs give the
    /// same result, bit for bit, on CPU.</summary>
    /// <value>Default 0.</value>
    public int Seed { get; set; }

    /// <summary>The TorchSharp device: "cpu", "cuda" or "cuda:N". CUDA needs a CUDA TorchSharp backend package in the
    /// application (see docs/platform-requirements.md); asking for an unavailable device fails at once.</summary>
    /// <value>Default "cpu".</value>
    public string Device { get; set; } = "cpu";

    /// <summary>Threads for training and scoring. The linear head on the CPU (binary, or K classes in
    /// <see cref="MultiClassRefiner"/>) trains in managed code, cross-fitting folds in parallel: up to this many folds at
    /// once (0: <see cref="Environment.ProcessorCount"/>); each fold's arithmetic is sequential, so its result does not
    /// depend on the count. Other scorers use libtorch's intra-op threads: 0 chooses
    /// one thread per 32 Mi multiply-adds of a step's forward pass (batch x folds trained together x the scorer's
    /// multiply-adds per item), at least 1 and at most <see cref="Environment.ProcessorCount"/>, so small MLP batches get
    /// one thread, whose speed does not collapse when other processes share the cores. Results are bit-for-bit
    /// reproducible for a fixed seed at a given thread count; the automatic count depends only on the options, the
    /// feature dimension and the processor count. torch's setting is changed for the duration of each call and restored
    /// afterwards.</summary>
    /// <value>Default 0 (automatic); 0 to 1,024.</value>
    public int Threads { get; set; }

    /// <summary>Checks every option and throws for the first invalid one.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is outside its range; the parameter name is the property's.</exception>
    /// <exception cref="ArgumentNullException"><see cref="Scorer"/> or <see cref="Device"/> is null.</exception>
    public void Validate() => UuLearning.DependencyInjection.UuTrainerOptionsValidator.Instance.ThrowIfInvalid(this);

    /// <summary>A copy of these options.</summary>
    /// <returns>A new instance with the same values.</returns>
    public UuTrainerOptions Clone() => (UuTrainerOptions)MemberwiseClone();

}
