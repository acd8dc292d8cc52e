using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using UuLearning;
using UuLearning.DependencyInjection;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Returned by <see cref="UuLearningServiceCollectionExtensions.AddUuLearning"/>: adds a pseudo-labeler over the app's
/// <see cref="IChatClient"/>, features over its <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/>, or another prior estimator.
/// </summary>
/// <remarks>Used while the container is being built, on one thread; not thread-safe.</remarks>
public sealed class UuLearningBuilder
{
    internal UuLearningBuilder(IServiceCollection services) => Services = services;

    /// <summary>The service collection being configured.</summary>
    public IServiceCollection Services { get; }

    /// <summary>
    /// Registers an <see cref="IPseudoLabeler"/> (a <see cref="ChatClientPseudoLabeler"/>) that asks the
    /// <see cref="IChatClient"/> already registered in the container (for example with <c>AddChatClient</c>).
    /// <see cref="ChatClientPseudoLabelerOptions"/> are validated when the host starts.
    /// </summary>
    /// <param name="configure">Sets the labeling task (<see cref="ChatClientPseudoLabelerOptions.Instruction"/> is required)
    /// and settings. If it leaves <see cref="ChatClientPseudoLabelerOptions.Store"/> null and an <see cref="IAnnotationStore"/>
    /// is registered, that store is used, so reruns resume.</param>
    /// <param name="chatClientKey">The service key of a keyed <see cref="IChatClient"/> (from <c>AddKeyedChatClient</c>);
    /// <see langword="null"/> for the unkeyed one.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="configure"/> is null.</exception>
    /// <remarks>The labeler is a singleton; it is thread-safe. It replaces any <see cref="IPseudoLabeler"/> registered
    /// before. Resolving it fails with an <see cref="InvalidOperationException"/> when no <see cref="IChatClient"/> is registered.</remarks>
    public UuLearningBuilder UseChatClientPseudoLabeler(Action<ChatClientPseudoLabelerOptions> configure, object? chatClientKey = null)
    {
        ArgumentNullException.ThrowIfNull(configure);
        Services.AddOptions<ChatClientPseudoLabelerOptions>()
            .Configure(configure)
            .PostConfigure<IServiceProvider>((options, sp) => options.Store ??= sp.GetService<IAnnotationStore>())
            .ValidateOnStart();
        Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ChatClientPseudoLabelerOptions>>(ChatClientPseudoLabelerOptionsValidator.Instance));
        Services.Replace(ServiceDescriptor.Singleton<IPseudoLabeler>(sp =>
        {
            var chatClient = chatClientKey is null ? sp.GetService<IChatClient>() : sp.GetKeyedService<IChatClient>(chatClientKey);
            if (chatClient is null)
            {
                throw new InvalidOperationException(chatClientKey is null
                    ? "UseChatClientPseudoLabeler needs an IChatClient in the container: register one first, for example with services.AddChatClient(...)."
                    : $"UseChatClientPseudoLabeler needs an IChatClient registered under the key '{chatClientKey}': register one with services.AddKeyedChatClient(...).");
            }

            return new ChatClientPseudoLabeler(chatClient,
                sp.GetRequiredService<IOptions<ChatClientPseudoLabelerOptions>>().Value,
                sp.GetService<ILogger<ChatClientPseudoLabeler>>());
        }));
        return this;
    }

    /// <summary>
    /// Registers a <see cref="TextFeatureExtractor"/> (its options validated when the host starts) that turns texts into feature vectors with the
    /// <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> of strings already registered in the container (for example
    /// with <c>AddEmbeddingGenerator</c>).
    /// </summary>
    /// <param name="configure">Sets batch size, expected dimension and generation options; <see langword="null"/> keeps the defaults.</param>
    /// <param name="generatorKey">The service key of a keyed generator; <see langword="null"/> for the unkeyed one.</param>
    /// <returns>This builder.</returns>
    /// <remarks>The extractor is a singleton; it is thread-safe if the generator is. Resolving it fails with an
    /// <see cref="InvalidOperationException"/> when no generator is registered.</remarks>
    public UuLearningBuilder UseEmbeddingGeneratorFeatures(Action<TextFeatureOptions>? configure = null, object? generatorKey = null)
    {
        var options = Services.AddOptions<TextFeatureOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TextFeatureOptions>>(TextFeatureOptionsValidator.Instance));

        Services.Replace(ServiceDescriptor.Singleton(sp =>
        {
            var generator = generatorKey is null
                ? sp.GetService<IEmbeddingGenerator<string, Embedding<float>>>()
                : sp.GetKeyedService<IEmbeddingGenerator<string, Embedding<float>>>(generatorKey);
            if (generator is null)
            {
                throw new InvalidOperationException(generatorKey is null
                    ? "UseEmbeddingGeneratorFeatures needs an IEmbeddingGenerator<string, Embedding<float>> in the container: register one first, for example with services.AddEmbeddingGenerator(...)."
                    : $"UseEmbeddingGeneratorFeatures needs an IEmbeddingGenerator<string, Embedding<float>> registered under the key '{generatorKey}'.");
            }

            return new TextFeatureExtractor(generator, sp.GetRequiredService<IOptions<TextFeatureOptions>>().Value);
        }));
        return this;
    }

    /// <summary>Replaces the <see cref="IPriorEstimator"/> with <typeparamref name="TEstimator"/>, created by the container.</summary>
    /// <typeparam name="TEstimator">The estimator type.</typeparam>
    /// <returns>This builder.</returns>
    public UuLearningBuilder UsePriorEstimator<TEstimator>()
        where TEstimator : class, IPriorEstimator
    {
        Services.Replace(ServiceDescriptor.Singleton<IPriorEstimator, TEstimator>());
        return this;
    }

    /// <summary>Replaces the <see cref="IPriorEstimator"/> with <paramref name="estimator"/>.</summary>
    /// <param name="estimator">The estimator to use (for example a <see cref="FixedPriorEstimator"/>).</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="estimator"/> is null.</exception>
    public UuLearningBuilder UsePriorEstimator(IPriorEstimator estimator)
    {
        ArgumentNullException.ThrowIfNull(estimator);
        Services.Replace(ServiceDescriptor.Singleton(estimator));
        return this;
    }

    /// <summary>Configures the default <see cref="FewLabelPriorEstimator"/>'s options (validated when the host starts).</summary>
    /// <param name="configure">Sets the options.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="configure"/> is null.</exception>
    public UuLearningBuilder ConfigurePriorEstimator(Action<FewLabelPriorEstimatorOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        Services.Configure(configure);
        return this;
    }
}
