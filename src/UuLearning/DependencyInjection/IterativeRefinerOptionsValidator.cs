using Microsoft.Extensions.Options;

namespace UuLearning.DependencyInjection;

/// <summary>Runs <see cref="IterativeRefinerOptions.Validate"/> for Microsoft.Extensions.Options (at host start with ValidateOnStart).</summary>
internal sealed class IterativeRefinerOptionsValidator : IValidateOptions<IterativeRefinerOptions>
{
    public ValidateOptionsResult Validate(string? name, IterativeRefinerOptions options) =>
        OptionsValidation.Run(nameof(IterativeRefinerOptions), () => options.Validate());
}
