using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using UuLearning.Tests.TestDoubles;

namespace UuLearning.Tests;

/// <summary>AddUuLearning and its builder, exercised with a real ServiceCollection and a real generic host.</summary>
[Collection(TorchCollection.Name)]
public sealed class UuLearningServiceCollectionExtensionsTests
{
    private static IHost BuildHost(Action<IServiceCollection> configure)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        configure(builder.Services);
        return builder.Build();
    }

    [Fact]
    public void AddUuLearning_Defaults_ResolvesRefinerAndFewLabelEstimatorAsSingletonsAndNoTrainer()
    {
        var services = new ServiceCollection();
        services.AddUuLearning();
        using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        var refiner = provider.GetRequiredService<IterativeRefiner>();
        Assert.Same(refiner, provider.GetRequiredService<IterativeRefiner>());
        Assert.IsType<FewLabelPriorEstimator>(provider.GetRequiredService<IPriorEstimator>());
        Assert.Null(provider.GetService<UuTrainer>()); // the refiner trains its own; nothing else would use a registered one
        Assert.Equal(new IterativeRefinerOptions().MaxRounds, refiner.Options.MaxRounds);
    }

    [Fact]
    public void AddUuLearning_ConfigureDelegate_ReachesRefinerAndItsTrainerOptions()
    {
        var services = new ServiceCollection();
        services.AddUuLearning(o =>
        {
            o.MaxRounds = 3;
            o.Trainer.Epochs = 7;
            o.Trainer.Seed = 11;
        });
        services.Configure<IterativeRefinerOptions>(o => o.FlipTolerance = 0.25);
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IterativeRefiner>().Options;
        Assert.Equal(3, options.MaxRounds);
        Assert.Equal(0.25, options.FlipTolerance);
        Assert.Equal(7, options.Trainer.Epochs);
        Assert.Equal(11, options.Trainer.Seed);
    }

    [Fact]
    public void AddUuLearning_EstimatorRegisteredBefore_IsKept()
    {
        var fixedEstimator = new FixedPriorEstimator(new ClassPriors(0.9, 0.1, 0.5));
        var services = new ServiceCollection();
        services.AddSingleton<IPriorEstimator>(fixedEstimator);
        services.AddUuLearning();
        using var provider = services.BuildServiceProvider();

        Assert.Same(fixedEstimator, provider.GetRequiredService<IPriorEstimator>());
    }

    [Fact]
    public void UsePriorEstimator_AfterAddUuLearning_ReplacesTheDefault()
    {
        var fixedEstimator = new FixedPriorEstimator(new ClassPriors(0.8, 0.2, 0.4));
        var services = new ServiceCollection();
        services.AddUuLearning().UsePriorEstimator(fixedEstimator);
        using var provider = services.BuildServiceProvider();

        Assert.Same(fixedEstimator, provider.GetRequiredService<IPriorEstimator>());
        Assert.Single(services, d => d.ServiceType == typeof(IPriorEstimator));
    }

    [Fact]
    public void AddUuLearning_CalledTwice_RegistersServicesOnce()
    {
        var services = new ServiceCollection();
        services.AddUuLearning(o => o.MaxRounds = 2);
        services.AddUuLearning(o => o.MaxRounds = 4);

        Assert.Single(services, d => d.ServiceType == typeof(IterativeRefiner));
        Assert.Single(services, d => d.ServiceType == typeof(IValidateOptions<IterativeRefinerOptions>));
        using var provider = services.BuildServiceProvider();
        Assert.Equal(4, provider.GetRequiredService<IterativeRefiner>().Options.MaxRounds);
    }

    [Fact]
    public async Task HostStart_ValidOptions_Starts()
    {
        using var host = BuildHost(s => s.AddUuLearning(o => o.MaxRounds = 2));
        await host.StartAsync();
        Assert.Equal(2, host.Services.GetRequiredService<IterativeRefiner>().Options.MaxRounds);
        await host.StopAsync();
    }




    [Fact]
    public async Task UseChatClientPseudoLabeler_RegisteredChatClient_LabelsThroughIt()
    {
        using var client = new TestChatClient
        {
            GetResponseAsyncCallback = (messages, _, _) =>
                Task.FromResult(TestChatClient.Answer(TestChatClient.ItemText(messages).Contains("buy", StringComparison.Ordinal) ? "spam" : "ham")),
        };
        var services = new ServiceCollection();
        services.AddChatClient(client);
        services.AddUuLearning().UseChatClientPseudoLabeler(o =>
        {
            o.Instruction = "Is this YouTube comment spam?";
            o.PositiveClassName = "spam";
            o.NegativeClassName = "ham";
            o.UseStructuredOutput = false;
        });
        using var provider = services.BuildServiceProvider();

        var labeler = provider.GetRequiredService<IPseudoLabeler>();
        var results = await labeler.LabelAsync([new LabelingItem("a", "buy followers now"), new LabelingItem("b", "great song")]);

        Assert.IsType<ChatClientPseudoLabeler>(labeler);
        Assert.Equal([PseudoLabel.Positive, PseudoLabel.Negative], results.Select(r => r.Label));
        Assert.Equal(2, client.Calls);
    }

    [Fact]
    public async Task UseChatClientPseudoLabeler_AnnotationStoreRegistered_IsUsedSoARerunMakesNoCalls()
    {
        var path = Path.Combine(Path.GetTempPath(), $"uulearning-di-{Guid.NewGuid():N}.jsonl");
        try
        {
            using var client = new TestChatClient { GetResponseAsyncCallback = (_, _, _) => Task.FromResult(TestChatClient.Answer("spam")) };
            for (int run = 0; run < 2; run++)
            {
                var services = new ServiceCollection();
                services.AddChatClient(client);
                services.AddSingleton<IAnnotationStore>(_ => new JsonlAnnotationStore(path));
                services.AddUuLearning().UseChatClientPseudoLabeler(o =>
                {
                    o.Instruction = "Is this YouTube comment spam?";
                    o.PositiveClassName = "spam";
                    o.NegativeClassName = "ham";
                    o.UseStructuredOutput = false;
                });
                using var provider = services.BuildServiceProvider();
                var results = await provider.GetRequiredService<IPseudoLabeler>().LabelAsync([new LabelingItem("a", "x"), new LabelingItem("b", "y")]);
                Assert.All(results, r => Assert.Equal(PseudoLabel.Positive, r.Label));
            }

            Assert.Equal(2, client.Calls); // the second container's labeler found both answers in the store
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void UseChatClientPseudoLabeler_NoChatClient_ThrowsSayingWhatToRegister()
    {
        var services = new ServiceCollection();
        services.AddUuLearning().UseChatClientPseudoLabeler(o => o.Instruction = "Is this spam?");
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IPseudoLabeler>());
        Assert.Contains("AddChatClient", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UseChatClientPseudoLabeler_KeyedChatClient_UsesTheKeyedOne()
    {
        using var unkeyed = new TestChatClient { GetResponseAsyncCallback = (_, _, _) => Task.FromResult(TestChatClient.Answer("ham")) };
        using var keyed = new TestChatClient { GetResponseAsyncCallback = (_, _, _) => Task.FromResult(TestChatClient.Answer("spam")) };
        var services = new ServiceCollection();
        services.AddChatClient(unkeyed);
        services.AddKeyedChatClient("labeler", keyed);
        services.AddUuLearning().UseChatClientPseudoLabeler(o =>
        {
            o.Instruction = "Is this spam?";
            o.PositiveClassName = "spam";
            o.NegativeClassName = "ham";
            o.UseStructuredOutput = false;
        }, chatClientKey: "labeler");
        using var provider = services.BuildServiceProvider();

        var results = await provider.GetRequiredService<IPseudoLabeler>().LabelAsync([new LabelingItem("a", "x")]);

        Assert.Equal(PseudoLabel.Positive, results[0].Label);
        Assert.Equal(1, keyed.Calls);
        Assert.Equal(0, unkeyed.Calls);
    }

    [Fact]
    public async Task UseEmbeddingGeneratorFeatures_RegisteredGenerator_EmbedsThroughItWithOptions()
    {
        using var generator = new TestEmbeddingGenerator();
        var services = new ServiceCollection();
        services.AddEmbeddingGenerator(generator);
        services.AddUuLearning().UseEmbeddingGeneratorFeatures(o => o.BatchSize = 2);
        using var provider = services.BuildServiceProvider();

        var extractor = provider.GetRequiredService<TextFeatureExtractor>();
        var features = await extractor.EmbedAsync(["a", "bb", "ccc"]);

        Assert.Equal(3, features.Count);
        Assert.Equal([2, 1], generator.Calls.Select(c => c.Count));
        var expected = TestEmbeddingGenerator.DefaultVectors(["bb"], 4)[0];
        Assert.Equal(expected, features[1].ToArray());
    }


    [Fact]
    public async Task ResolvedRefiner_SyntheticNoisyLabels_ImprovesAccuracy()
    {
        var data = SyntheticData.TwoGaussians(400, 10, 0.5, 0.25, 0.25, seed: 5);
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddUuLearning(o =>
        {
            o.MaxRounds = 2;
            o.Trainer.Epochs = 10;
            o.Trainer.Seed = 5;
        });
        using var provider = services.BuildServiceProvider();
        var refiner = provider.GetRequiredService<IterativeRefiner>();
        var sample = LabeledSample.DrawUniform(data.Gold, 50, seed: 5);

        using var result = await refiner.RefineAsync(data.Features, data.Noisy, sample);

        double initial = data.Accuracy(data.Noisy);
        double refined = data.Accuracy(result.Labels);
        Assert.InRange(initial, 0.68, 0.82);
        Assert.True(refined > initial + 0.1, $"initial {initial:0.000}, refined {refined:0.000}");
    }
}
