using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using UuLearning.DependencyInjection;
using UuLearning.Tests.TestDoubles;

namespace UuLearning.Tests;

/// <summary>
/// A bad option value gives the same error whichever way it comes in: the constructor (or <c>Fit</c>/<c>EmbedAsync</c>)
/// throws an <see cref="ArgumentException"/> whose parameter is the property and whose message starts with the validator's
/// message, and the DI container's start-up validation fails with exactly that message. The rules themselves are tested
/// in <see cref="OptionsValidatorTests"/>.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class OptionsEntryPointTests
{
    private static async Task<string> HostStartFailure<TOptions>(Action<IServiceCollection> configure)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        configure(builder.Services);
        using var host = builder.Build();
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Equal(typeof(TOptions), ex.OptionsType);
        return Assert.Single(ex.Failures);
    }

    private static void AssertSameError<TException>(TException constructorError, string diFailure, string property, string messageStart)
        where TException : ArgumentException
    {
        Assert.Equal(property, constructorError.ParamName);
        Assert.StartsWith(messageStart, diFailure, StringComparison.Ordinal);
        Assert.StartsWith(diFailure, constructorError.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IterativeRefinerOptions_BadValue_SameErrorFromConstructorAndHostStart()
    {
        var ctor = Assert.Throws<ArgumentOutOfRangeException>(() => new IterativeRefiner(options: new IterativeRefinerOptions { MaxRounds = 0 }));
        var di = await HostStartFailure<IterativeRefinerOptions>(s => s.AddUuLearning(o => o.MaxRounds = 0));

        AssertSameError(ctor, di, "MaxRounds", "IterativeRefinerOptions.MaxRounds must be between 1 and 100.");
    }

    [Fact]
    public async Task TrainerOptionsInsideRefinerOptions_BadValue_SameErrorFromConstructorAndHostStart()
    {
        var ctor = Assert.Throws<ArgumentOutOfRangeException>(() => new IterativeRefiner(options: new IterativeRefinerOptions { Trainer = { Device = "gpu" } }));
        var di = await HostStartFailure<IterativeRefinerOptions>(s => s.AddUuLearning(o => o.Trainer.Device = "gpu"));

        AssertSameError(ctor, di, "Trainer.Device", "IterativeRefinerOptions.Trainer.Device must be");
    }

    [Fact]
    public async Task FewLabelPriorEstimatorOptions_BadValue_SameErrorFromConstructorAndHostStart()
    {
        var ctor = Assert.Throws<ArgumentOutOfRangeException>(() => new FewLabelPriorEstimator(new FewLabelPriorEstimatorOptions { BootstrapDraws = 10 }));
        var di = await HostStartFailure<FewLabelPriorEstimatorOptions>(s => s.AddUuLearning().ConfigurePriorEstimator(o => o.BootstrapDraws = 10));

        AssertSameError(ctor, di, "BootstrapDraws", "FewLabelPriorEstimatorOptions.BootstrapDraws must be between 200 and 1000000");
    }

    [Fact]
    public async Task ChatClientPseudoLabelerOptions_BadValue_SameErrorFromConstructorAndHostStart()
    {
        using var client = new TestChatClient();
        var ctor = Assert.Throws<ArgumentException>(() => new ChatClientPseudoLabeler(client, new ChatClientPseudoLabelerOptions { PositiveClassName = "spam" }));
        var di = await HostStartFailure<ChatClientPseudoLabelerOptions>(s =>
        {
            s.AddChatClient(client);
            s.AddUuLearning().UseChatClientPseudoLabeler(o => o.PositiveClassName = "spam");
        });

        AssertSameError(ctor, di, "Instruction", "ChatClientPseudoLabelerOptions.Instruction is empty");
    }

    [Fact]
    public async Task TextFeatureOptions_BadValue_SameErrorFromEmbedAsyncExtractorAndHostStart()
    {
        using var generator = new TestEmbeddingGenerator();
        var embed = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => TextFeatures.EmbedAsync(generator, ["a"], new TextFeatureOptions { BatchSize = 0 }));
        var extractor = Assert.Throws<ArgumentOutOfRangeException>(() => new TextFeatureExtractor(generator, new TextFeatureOptions { BatchSize = 0 }));
        var di = await HostStartFailure<TextFeatureOptions>(s =>
        {
            s.AddEmbeddingGenerator(generator);
            s.AddUuLearning().UseEmbeddingGeneratorFeatures(o => o.BatchSize = 0);
        });

        AssertSameError(embed, di, "BatchSize", "TextFeatureOptions.BatchSize must be between 1 and 100000.");
        AssertSameError(extractor, di, "BatchSize", "TextFeatureOptions.BatchSize must be between 1 and 100000.");
    }

    [Fact]
    public void UuTrainerAndHashingFeaturizer_BadValue_ThrowTheirValidatorsError()
    {
        var trainerOptions = new UuTrainerOptions { BatchSize = 1 };
        var trainer = Assert.Throws<ArgumentOutOfRangeException>(() => new UuTrainer(trainerOptions));
        AssertSameError(trainer, UuTrainerOptionsValidator.Instance.FirstViolation(trainerOptions)!.Message, "BatchSize", "UuTrainerOptions.BatchSize must be between 2");

        var hashingOptions = new HashingFeaturizerOptions { HashBits = 9 };
        var fit = Assert.Throws<ArgumentOutOfRangeException>(() => HashingTextFeaturizer.Fit(["a text"], hashingOptions));
        AssertSameError(fit, HashingFeaturizerOptionsValidator.Instance.FirstViolation(hashingOptions)!.Message, "HashBits", "HashingFeaturizerOptions.HashBits must be between 10 and 24.");
    }

    [Fact]
    public async Task ResolvedRefiner_UsesRegisteredEstimatorTrainerOptionsAndLogger()
    {
        var data = SyntheticData.TwoGaussians(200, 4, 0.5, 0.2, 0.2, seed: 9);
        var estimator = new CallbackPriorEstimator((_, labels, s) => new FewLabelPriorEstimator().Estimate(labels, s));
        var loggers = new ListLoggerProvider();
        var services = new ServiceCollection();
        services.AddLogging(b => b.AddProvider(loggers));
        services.AddUuLearning(o =>
        {
            o.MaxRounds = 1;
            o.CrossFitFolds = 1;
            o.Trainer.Epochs = 4;
            o.Trainer.HoldoutFraction = 0;
        }).UsePriorEstimator(estimator);
        using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });

        var refiner = provider.GetRequiredService<IterativeRefiner>();
        using var result = await refiner.RefineAsync(data.Features, data.Noisy, LabeledSample.DrawUniform(data.Gold, 40, seed: 9));

        Assert.True(estimator.Calls >= 1, "the registered prior estimator was not asked");
        Assert.Equal(4, result.Rounds[0].Training.TrainingRisk.Count); // one training risk per epoch: the registered Epochs
        Assert.NotEmpty(loggers.Logger(typeof(IterativeRefiner).FullName!).Entries);
    }

    private sealed class ListLoggerProvider : ILoggerProvider
    {
        private readonly Dictionary<string, ListLogger> _loggers = [];

        public ListLogger Logger(string category)
        {
            lock (_loggers)
            {
                return _loggers.TryGetValue(category, out var logger) ? logger : new ListLogger();
            }
        }

        public ILogger CreateLogger(string categoryName)
        {
            lock (_loggers)
            {
                if (!_loggers.TryGetValue(categoryName, out var logger))
                {
                    _loggers[categoryName] = logger = new ListLogger();
                }

                return logger;
            }
        }

        public void Dispose()
        {
        }
    }
}
