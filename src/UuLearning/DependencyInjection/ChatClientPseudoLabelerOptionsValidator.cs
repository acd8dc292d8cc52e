using Microsoft.Extensions.Options;

namespace UuLearning.DependencyInjection;

/// <summary>Checks <see cref="ChatClientPseudoLabelerOptions"/> the way <see cref="ChatClientPseudoLabeler"/>'s constructor does.</summary>
internal sealed class ChatClientPseudoLabelerOptionsValidator : IValidateOptions<ChatClientPseudoLabelerOptions>
{
    public ValidateOptionsResult Validate(string? name, ChatClientPseudoLabelerOptions options) =>
        OptionsValidation.Run(nameof(ChatClientPseudoLabelerOptions), () => ChatClientPseudoLabeler.Validate(options));
}
