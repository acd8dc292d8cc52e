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

    /// <summary>libtorch's intra-op threads while training and scoring. 0 chooses from the work: one thread per
    /// 2 Mi multiply-adds of a step's forward pass (batch x folds trained together x the scorer's multiply-adds per item),
    /// at least 1 and at most <see cref="Environment.ProcessorCount"/>; so the linear head and small MLP batches get one
    /// thread, whose speed does not collapse when other processes share the cores. Results are bit-for-bit reproducible for
    /// a fixed seed at a given thread count; the automatic count depends only on the options, the feature dimension and
    /// the processor count. torch's setting is changed for the duration of each call and restored afterwards.</summary>
    /// <value>Default 0 (automatic); 0 to 1,024.</value>
    public int Threads { get; set; }

    /// <summary>Checks every option and throws for the first invalid one.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is outside its range; the parameter name is the property's.</exception>
    /// <exception cref="ArgumentNullException"><see cref="Scorer"/> or <see cref="Device"/> is null.</exception>
    public void Validate()
    {
        if (!Enum.IsDefined(Objective))
        {
            throw new ArgumentOutOfRangeException(nameof(Objective), Objective, "Objective must be RobustUu, Uu or Pn.");
        }
        if (!double.IsFinite(Lambda) || Lambda >= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(Lambda), Lambda, "Lambda must be negative and finite (the paper uses -0.001).");
        }
        if (!Enum.IsDefined(Surrogate))
        {
            throw new ArgumentOutOfRangeException(nameof(Surrogate), Surrogate, "Surrogate must be Sigmoid or Logistic.");
        }
        ArgumentNullException.ThrowIfNull(Scorer, nameof(Scorer));
        CheckRange(Epochs, 1, 10_000, nameof(Epochs));
        CheckRange(BatchSize, 2, 1_000_000, nameof(BatchSize));
        if (!(LearningRate > 0 && LearningRate <= 10))
        {
            throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "LearningRate must be greater than 0 and at most 10.");
        }
        CheckRange(WeightDecay, 0, 10, nameof(WeightDecay));
        CheckRange(WarmupFraction, 0, 0.5, nameof(WarmupFraction));
        CheckRange(HoldoutFraction, 0, 0.5, nameof(HoldoutFraction));
        CheckRange(Threads, 0, 1_024, nameof(Threads));
        ArgumentNullException.ThrowIfNull(Device, nameof(Device));
        if (!(Device == "cpu" || Device == "cuda" || (Device.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(Device.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out _))))
        {
            throw new ArgumentOutOfRangeException(nameof(Device), Device, "Device must be \"cpu\", \"cuda\" or \"cuda:N\".");
        }
    }

    /// <summary>A copy of these options.</summary>
    /// <returns>A new instance with the same values.</returns>
    public UuTrainerOptions Clone() => (UuTrainerOptions)MemberwiseClone();

    private static void CheckRange(double value, double min, double max, string name)
    {
        if (!(value >= min && value <= max))
        {
            throw new ArgumentOutOfRangeException(name, value, string.Create(CultureInfo.InvariantCulture, $"{name} must be between {min} and {max}."));
        }
    }
}
