namespace UuLearning.DependencyInjection;

/// <summary>The rules of <see cref="ChatClientPseudoLabelerOptions"/>, used by <see cref="ChatClientPseudoLabeler"/>'s
/// constructor and by Microsoft.Extensions.Options.</summary>
internal sealed class ChatClientPseudoLabelerOptionsValidator : OptionsValidator<ChatClientPseudoLabelerOptions>
{
    public static ChatClientPseudoLabelerOptionsValidator Instance { get; } = new();

    protected internal override IEnumerable<OptionsViolation?> Rules(ChatClientPseudoLabelerOptions options)
    {
        const OptionsViolationKind Invalid = OptionsViolationKind.Invalid;
        yield return Require(!string.IsNullOrWhiteSpace(options.Instruction), nameof(options.Instruction), options.Instruction,
            "is empty; say what the model must decide, for example \"Is this comment spam?\".", Invalid);
        yield return Require(!string.IsNullOrWhiteSpace(options.PositiveClassName), nameof(options.PositiveClassName), options.PositiveClassName, "must not be empty.", Invalid);
        yield return Require(!string.IsNullOrWhiteSpace(options.NegativeClassName), nameof(options.NegativeClassName), options.NegativeClassName, "must not be empty.", Invalid);
        yield return Require(!string.Equals(options.PositiveClassName.Trim(), options.NegativeClassName.Trim(), StringComparison.OrdinalIgnoreCase),
            nameof(options.NegativeClassName), options.NegativeClassName, $"is '{options.NegativeClassName}', the same as PositiveClassName; give two different names.", Invalid);
        yield return Require(options.SystemPromptTemplate is not null, nameof(options.SystemPromptTemplate), null,
            "is null; use an empty string for no system message text.", OptionsViolationKind.Null);
        yield return Require(options.UserPromptTemplate?.Contains("{text}", StringComparison.Ordinal) == true, nameof(options.UserPromptTemplate), options.UserPromptTemplate,
            "must contain the placeholder {text}, where the item's text goes.", Invalid);
        yield return NotNull(nameof(options.Examples), options.Examples);
        for (int i = 0; i < options.Examples.Count; i++)
        {
            var example = options.Examples[i];
            yield return Require(example?.Text is not null && example.Label != PseudoLabel.Abstained && Enum.IsDefined(example.Label),
                $"{nameof(options.Examples)}[{i}]", example, "is null, has no text, or is not labeled Positive or Negative.", Invalid);
        }
        foreach (var violation in ChatLabelerRules(options.MaxConcurrency, options.MaxRetryAttempts, options.RetryBaseDelay,
                     options.RetryMaxDelay, options.MaxRetryAfter, options.AttemptTimeout, options.TimeProvider))
        {
            yield return violation;
        }
    }
}
