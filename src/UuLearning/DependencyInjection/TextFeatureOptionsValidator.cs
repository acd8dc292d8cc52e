using Microsoft.Extensions.Options;

namespace UuLearning.DependencyInjection;

/// <summary>Runs <see cref="TextFeatureOptions.Validate"/> for Microsoft.Extensions.Options.</summary>
internal sealed class TextFeatureOptionsValidator : IValidateOptions<TextFeatureOptions>
{
    public ValidateOptionsResult Validate(string? name, TextFeatureOptions options) =>
        OptionsValidation.Run(nameof(TextFeatureOptions), options.Validate);
}
