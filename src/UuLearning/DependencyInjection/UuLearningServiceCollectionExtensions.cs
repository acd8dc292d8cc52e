using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using UuLearning;
using UuLearning.DependencyInjection;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers UuLearning's services in an <see cref="IServiceCollection"/>.</summary>
public static class UuLearningServiceCollectionExtensions
{
    /// <summary>
    /// Registers what a refinement needs: <see cref="IterativeRefiner"/> and the default <see cref="IPriorEstimator"/> (a
    /// <see cref="FewLabelPriorEstimator"/>) as singletons, with <see cref="IterativeRefinerOptions"/> and
    /// <see cref="FewLabelPriorEstimatorOptions"/> bound through Microsoft.Extensions.Options and validated when the host
    /// starts (a bad option fails the start with an <see cref="OptionsValidationException"/> naming the property, with the
    /// message the options' constructor check gives for the same value). The refiner is built from the registered
    /// <see cref="IPriorEstimator"/>, the <see cref="IterativeRefinerOptions"/> (its <see cref="IterativeRefinerOptions.Trainer"/>
    /// options train every round) and the <see cref="ILogger{TCategoryName}"/> of <see cref="IterativeRefiner"/> when logging is registered.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets refiner options (rounds, trainer options, ...); <see langword="null"/> keeps the defaults.
    /// Options can also be configured elsewhere with <c>services.Configure&lt;IterativeRefinerOptions&gt;(...)</c>.</param>
    /// <returns>A builder to add a pseudo-labeler, features or another prior estimator.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is null.</exception>
    /// <remarks>
    /// <para>Every registration uses TryAdd: an <see cref="IPriorEstimator"/> or <see cref="IterativeRefiner"/> registered
    /// before this call wins, and <see cref="UuLearningBuilder.UsePriorEstimator{TEstimator}"/>
    /// replaces the estimator afterwards. Calling this method twice adds the configuration delegates, not the services, again.</para>
    /// <para>The refiner is a singleton: it holds no state between calls, but TorchSharp's random generator is process-wide,
    /// so run refinements one at a time if you need bit-for-bit reproducible results.</para>
    /// </remarks>
    public static UuLearningBuilder AddUuLearning(this IServiceCollection services, Action<IterativeRefinerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);

        var refinerOptions = services.AddOptions<IterativeRefinerOptions>();
        if (configure is not null)
        {
            refinerOptions.Configure(configure);
        }

        refinerOptions.ValidateOnStart();
        services.AddOptions<FewLabelPriorEstimatorOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<IterativeRefinerOptions>>(IterativeRefinerOptionsValidator.Instance));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FewLabelPriorEstimatorOptions>>(FewLabelPriorEstimatorOptionsValidator.Instance));

        services.TryAddSingleton<IPriorEstimator>(sp => new FewLabelPriorEstimator(sp.GetRequiredService<IOptions<FewLabelPriorEstimatorOptions>>().Value));
        services.TryAddSingleton(sp => new IterativeRefiner(
            sp.GetRequiredService<IPriorEstimator>(),
            sp.GetRequiredService<IOptions<IterativeRefinerOptions>>().Value,
            sp.GetService<ILogger<IterativeRefiner>>()));

        return new UuLearningBuilder(services);
    }
}
