using Microsoft.Extensions.Options;

namespace UuLearning.DependencyInjection;

/// <summary>Checks <see cref="FewLabelPriorEstimatorOptions"/> the way <see cref="FewLabelPriorEstimator"/>'s constructor does.</summary>
internal sealed class FewLabelPriorEstimatorOptionsValidator : IValidateOptions<FewLabelPriorEstimatorOptions>
{
    public ValidateOptionsResult Validate(string? name, FewLabelPriorEstimatorOptions options) =>
        OptionsValidation.Run(nameof(FewLabelPriorEstimatorOptions), () => _ = new FewLabelPriorEstimator(options));
}
