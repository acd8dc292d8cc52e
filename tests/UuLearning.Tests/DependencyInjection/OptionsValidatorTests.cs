using Microsoft.Extensions.Options;
using UuLearning.DependencyInjection;

namespace UuLearning.Tests;

/// <summary>
/// Every rule of every options type, tested once, at its validator: the bad value, the property the error names, and the
/// start of its message (always <c>OptionsType.Property</c>). The entry points (constructors, <c>Fit</c>, <c>EmbedAsync</c>,
/// the DI container) delegate to these validators; OptionsEntryPointTests checks that they do.
/// </summary>
public sealed class OptionsValidatorTests
{
    private static void AssertRule<TOptions>(OptionsValidator<TOptions> validator, TOptions options, string property, string messageStart, Type exceptionType)
        where TOptions : class
    {
        var violation = validator.FirstViolation(options);

        Assert.NotNull(violation);
        Assert.Equal(property, violation.Property);
        Assert.StartsWith(messageStart, violation.Message, StringComparison.Ordinal);
        var exception = violation.ToException();
        Assert.IsType(exceptionType, exception);
        Assert.Equal(property, exception.ParamName);
        Assert.StartsWith(violation.Message, exception.Message, StringComparison.Ordinal);
        var result = validator.Validate(Options.DefaultName, options);
        Assert.True(result.Failed);
        Assert.Equal(violation.Message, Assert.Single(result.Failures!));
    }

    private static readonly Type OutOfRange = typeof(ArgumentOutOfRangeException);
    private static readonly Type Invalid = typeof(ArgumentException);
    private static readonly Type Null = typeof(ArgumentNullException);

    [Fact]
    public void Defaults_PassEveryValidator()
    {
        Assert.Null(UuTrainerOptionsValidator.Instance.FirstViolation(new UuTrainerOptions()));
        Assert.Null(IterativeRefinerOptionsValidator.Instance.FirstViolation(new IterativeRefinerOptions()));
        Assert.Null(FewLabelPriorEstimatorOptionsValidator.Instance.FirstViolation(new FewLabelPriorEstimatorOptions()));
        Assert.Null(TextFeatureOptionsValidator.Instance.FirstViolation(new TextFeatureOptions()));
        Assert.Null(HashingFeaturizerOptionsValidator.Instance.FirstViolation(new HashingFeaturizerOptions()));
        Assert.Null(ChatClientPseudoLabelerOptionsValidator.Instance.FirstViolation(new ChatClientPseudoLabelerOptions { Instruction = "Spam?" }));
        Assert.True(UuTrainerOptionsValidator.Instance.Validate(null, new UuTrainerOptions()).Succeeded);
    }

    public static TheoryData<Action<UuTrainerOptions>, string, string, Type> TrainerRules => new()
    {
        { o => o.Objective = (UuObjective)9, "Objective", "UuTrainerOptions.Objective must be RobustUu, Uu, Pn", OutOfRange },
        { o => o.Lambda = 0.001, "Lambda", "UuTrainerOptions.Lambda must be negative and finite", OutOfRange },
        { o => o.Lambda = double.NegativeInfinity, "Lambda", "UuTrainerOptions.Lambda must be negative and finite", OutOfRange },
        { o => o.Surrogate = (SurrogateLoss)9, "Surrogate", "UuTrainerOptions.Surrogate must be", OutOfRange },
        { o => o.Scorer = null!, "Scorer", "UuTrainerOptions.Scorer must not be null.", Null },
        { o => o.Epochs = 0, "Epochs", "UuTrainerOptions.Epochs must be between 1 and 10000.", OutOfRange },
        { o => o.BatchSize = 1, "BatchSize", "UuTrainerOptions.BatchSize must be between 2 and 1000000.", OutOfRange },
        { o => o.LearningRate = 0, "LearningRate", "UuTrainerOptions.LearningRate must be greater than 0 and at most 10.", OutOfRange },
        { o => o.WeightDecay = -1, "WeightDecay", "UuTrainerOptions.WeightDecay must be between 0 and 10.", OutOfRange },
        { o => o.WarmupFraction = 0.9, "WarmupFraction", "UuTrainerOptions.WarmupFraction must be between 0 and 0.5.", OutOfRange },
        { o => o.HoldoutFraction = double.NaN, "HoldoutFraction", "UuTrainerOptions.HoldoutFraction must be between 0 and 0.5.", OutOfRange },
        { o => o.Threads = -1, "Threads", "UuTrainerOptions.Threads must be between 0 and 1024 (0 chooses from the work).", OutOfRange },
        { o => o.Threads = 1_025, "Threads", "UuTrainerOptions.Threads must be between 0 and 1024 (0 chooses from the work).", OutOfRange },
        { o => o.Device = null!, "Device", "UuTrainerOptions.Device must not be null.", Null },
        { o => o.Device = "cuda:x", "Device", "UuTrainerOptions.Device must be \"cpu\", \"cuda\" or \"cuda:N\".", OutOfRange },
    };

    [Theory]
    [MemberData(nameof(TrainerRules))]
    public void UuTrainerOptions_Rule(Action<UuTrainerOptions> change, string property, string message, Type exception)
    {
        var options = new UuTrainerOptions();
        change(options);
        AssertRule(UuTrainerOptionsValidator.Instance, options, property, message, exception);
    }

    public static TheoryData<Action<IterativeRefinerOptions>, string, string, Type> RefinerRules => new()
    {
        { o => o.MaxRounds = 0, "MaxRounds", "IterativeRefinerOptions.MaxRounds must be between 1 and 100.", OutOfRange },
        { o => o.FlipTolerance = -0.1, "FlipTolerance", "IterativeRefinerOptions.FlipTolerance must be between 0 and 1.", OutOfRange },
        { o => o.Selection = (RoundSelection)9, "Selection", "IterativeRefinerOptions.Selection must be", OutOfRange },
        { o => o.CrossFitFolds = 21, "CrossFitFolds", "IterativeRefinerOptions.CrossFitFolds must be between 1 and 20.", OutOfRange },
        { o => o.ConfidentFlipThreshold = 0.5, "ConfidentFlipThreshold", "IterativeRefinerOptions.ConfidentFlipThreshold must be above 0.5 and below 1.", OutOfRange },
        { o => o.HarmTolerance = -0.01, "HarmTolerance", "IterativeRefinerOptions.HarmTolerance must be between 0 and 0.2.", OutOfRange },
        { o => o.Relabeling = (RelabelingRule)9, "Relabeling", "IterativeRefinerOptions.Relabeling must be", OutOfRange },
        { o => o.ConfidenceLevel = 1.0, "ConfidenceLevel", "IterativeRefinerOptions.ConfidenceLevel must be between 0.5 and 0.999.", OutOfRange },
        { o => o.Trainer = null!, "Trainer", "IterativeRefinerOptions.Trainer must not be null.", Null },
        // A trainer rule inside the refiner's options: the trainer validator's rule, named by its path.
        { o => o.Trainer.Epochs = 0, "Trainer.Epochs", "IterativeRefinerOptions.Trainer.Epochs must be between 1 and 10000.", OutOfRange },
    };

    [Theory]
    [MemberData(nameof(RefinerRules))]
    public void IterativeRefinerOptions_Rule(Action<IterativeRefinerOptions> change, string property, string message, Type exception)
    {
        var options = new IterativeRefinerOptions();
        change(options);
        AssertRule(IterativeRefinerOptionsValidator.Instance, options, property, message, exception);
    }

    public static TheoryData<Action<FewLabelPriorEstimatorOptions>, string, string> PriorRules => new()
    {
        { o => o.ConfidenceLevel = 0.4, "ConfidenceLevel", "FewLabelPriorEstimatorOptions.ConfidenceLevel must be between 0.5 and 0.999 (0.95 is usual)." },
        { o => o.ConfidenceLevel = double.NaN, "ConfidenceLevel", "FewLabelPriorEstimatorOptions.ConfidenceLevel must be between" },
        { o => o.KnownPi = 1.0, "KnownPi", "FewLabelPriorEstimatorOptions.KnownPi must be strictly between 0 and 1" },
        { o => o.KnownPi = double.NaN, "KnownPi", "FewLabelPriorEstimatorOptions.KnownPi must be strictly between 0 and 1" },
        { o => o.BootstrapDraws = 199, "BootstrapDraws", "FewLabelPriorEstimatorOptions.BootstrapDraws must be between 200 and 1000000 (2000 is usual)." },
    };

    [Theory]
    [MemberData(nameof(PriorRules))]
    public void FewLabelPriorEstimatorOptions_Rule(Action<FewLabelPriorEstimatorOptions> change, string property, string message)
    {
        var options = new FewLabelPriorEstimatorOptions();
        change(options);
        AssertRule(FewLabelPriorEstimatorOptionsValidator.Instance, options, property, message, OutOfRange);
    }

    [Theory]
    [InlineData(0, null, "BatchSize", "TextFeatureOptions.BatchSize must be between 1 and 100000.")]
    [InlineData(100_001, null, "BatchSize", "TextFeatureOptions.BatchSize must be between 1 and 100000.")]
    [InlineData(64, 0, "Dimensions", "TextFeatureOptions.Dimensions must be null or between 1 and 1000000.")]
    public void TextFeatureOptions_Rule(int batchSize, int? dimensions, string property, string message)
    {
        AssertRule(TextFeatureOptionsValidator.Instance, new TextFeatureOptions { BatchSize = batchSize, Dimensions = dimensions }, property, message, OutOfRange);
    }

    public static TheoryData<Action<HashingFeaturizerOptions>, string, string> HashingRules => new()
    {
        { o => o.Dimensions = 7, "Dimensions", "HashingFeaturizerOptions.Dimensions must be between 8 and 1048576." },
        { o => o.Projection = (HashingProjection)5, "Projection", "HashingFeaturizerOptions.Projection must be" },
        { o => o.HashBits = 25, "HashBits", "HashingFeaturizerOptions.HashBits must be between 10 and 24." },
        { o => o.MaxWordNGram = 5, "MaxWordNGram", "HashingFeaturizerOptions.MaxWordNGram must be between 0 and 4." },
        { o => o.MaxCharNGram = 9, "MaxCharNGram", "HashingFeaturizerOptions.MaxCharNGram must be between 0 and 8." },
        { o => o.MinCharNGram = 5, "MinCharNGram", "HashingFeaturizerOptions.MinCharNGram must be between 1 and MaxCharNGram." },
        { o => o.MinCharNGram = 0, "MinCharNGram", "HashingFeaturizerOptions.MinCharNGram must be between 1 and MaxCharNGram." },
        { o => { o.MaxWordNGram = 0; o.MaxCharNGram = 0; }, "MaxWordNGram", "HashingFeaturizerOptions.MaxWordNGram and MaxCharNGram cannot both be 0" },
    };

    [Theory]
    [MemberData(nameof(HashingRules))]
    public void HashingFeaturizerOptions_Rule(Action<HashingFeaturizerOptions> change, string property, string message)
    {
        var options = new HashingFeaturizerOptions();
        change(options);
        AssertRule(HashingFeaturizerOptionsValidator.Instance, options, property, message, OutOfRange);
    }

    public static TheoryData<Action<ChatClientPseudoLabelerOptions>, string, string, Type> LabelerRules => new()
    {
        { o => o.Instruction = " ", "Instruction", "ChatClientPseudoLabelerOptions.Instruction is empty", Invalid },
        { o => o.PositiveClassName = "", "PositiveClassName", "ChatClientPseudoLabelerOptions.PositiveClassName must not be empty.", Invalid },
        { o => o.NegativeClassName = " ", "NegativeClassName", "ChatClientPseudoLabelerOptions.NegativeClassName must not be empty.", Invalid },
        { o => o.NegativeClassName = "POSITIVE", "NegativeClassName", "ChatClientPseudoLabelerOptions.NegativeClassName is 'POSITIVE', the same as PositiveClassName", Invalid },
        { o => o.SystemPromptTemplate = null!, "SystemPromptTemplate", "ChatClientPseudoLabelerOptions.SystemPromptTemplate is null", Null },
        { o => o.UserPromptTemplate = "no placeholder", "UserPromptTemplate", "ChatClientPseudoLabelerOptions.UserPromptTemplate must contain the placeholder {text}", Invalid },
        { o => o.Examples.Add(new FewShotExample("x", PseudoLabel.Abstained)), "Examples[0]", "ChatClientPseudoLabelerOptions.Examples[0] is null, has no text", Invalid },
        { o => o.MaxConcurrency = 1025, "MaxConcurrency", "ChatClientPseudoLabelerOptions.MaxConcurrency must be between 1 and 1024.", OutOfRange },
        { o => o.MaxRetryAttempts = -1, "MaxRetryAttempts", "ChatClientPseudoLabelerOptions.MaxRetryAttempts must be between 0 and 100.", OutOfRange },
        { o => o.RetryBaseDelay = TimeSpan.FromMilliseconds(-1), "RetryBaseDelay", "ChatClientPseudoLabelerOptions.RetryBaseDelay must be between 00:00:00 and 01:00:00.", OutOfRange },
        { o => o.RetryMaxDelay = TimeSpan.Zero, "RetryMaxDelay", "ChatClientPseudoLabelerOptions.RetryMaxDelay must be between 00:00:01 and 01:00:00.", OutOfRange },
        { o => o.MaxRetryAfter = TimeSpan.FromHours(2), "MaxRetryAfter", "ChatClientPseudoLabelerOptions.MaxRetryAfter must be between", OutOfRange },
        { o => o.AttemptTimeout = TimeSpan.FromMilliseconds(1), "AttemptTimeout", "ChatClientPseudoLabelerOptions.AttemptTimeout must be between 00:00:00.0100000 and 1.00:00:00.", OutOfRange },
        { o => o.TimeProvider = null!, "TimeProvider", "ChatClientPseudoLabelerOptions.TimeProvider must not be null.", Null },
    };

    [Theory]
    [MemberData(nameof(LabelerRules))]
    public void ChatClientPseudoLabelerOptions_Rule(Action<ChatClientPseudoLabelerOptions> change, string property, string message, Type exception)
    {
        var options = new ChatClientPseudoLabelerOptions { Instruction = "Spam?" };
        change(options);
        AssertRule(ChatClientPseudoLabelerOptionsValidator.Instance, options, property, message, exception);
    }
}
