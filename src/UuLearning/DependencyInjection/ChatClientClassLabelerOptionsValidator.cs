namespace UuLearning.DependencyInjection;

/// <summary>The rules of <see cref="ChatClientClassLabelerOptions"/>, used by <see cref="ChatClientClassLabeler"/>'s constructor.</summary>
internal sealed class ChatClientClassLabelerOptionsValidator : OptionsValidator<ChatClientClassLabelerOptions>
{
    public static ChatClientClassLabelerOptionsValidator Instance { get; } = new();

    protected internal override IEnumerable<OptionsViolation?> Rules(ChatClientClassLabelerOptions options)
    {
        const OptionsViolationKind Invalid = OptionsViolationKind.Invalid;
        yield return Require(!string.IsNullOrWhiteSpace(options.Instruction), nameof(options.Instruction), options.Instruction,
            "is empty; say what the model must decide, for example \"What is the stance of this text?\".", Invalid);
        yield return NotNull(nameof(options.ClassNames), options.ClassNames);
        yield return Require(options.ClassNames.Count >= 2, nameof(options.ClassNames), options.ClassNames.Count,
            $"has {options.ClassNames.Count} names; give at least 2.", Invalid);
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < options.ClassNames.Count; i++)
        {
            string? name = options.ClassNames[i];
            string property = $"{nameof(options.ClassNames)}[{i}]";
            yield return Require(!string.IsNullOrWhiteSpace(name), property, name, "is empty; every class needs a name.", Invalid);
            string trimmed = name!.Trim();
            yield return Require(!string.Equals(trimmed, ChatClientClassLabelerOptions.UnsureAnswer, StringComparison.OrdinalIgnoreCase),
                property, name, $"is '{ChatClientClassLabelerOptions.UnsureAnswer}', the answer that means abstained; rename the class.", Invalid);
            yield return Require(seen.Add(trimmed), property, name, $"is '{name}', the same as an earlier class name (ignoring case); give distinct names.", Invalid);
        }
        yield return Require(options.SystemPromptTemplate is not null, nameof(options.SystemPromptTemplate), null,
            "is null; use an empty string for no system message text.", OptionsViolationKind.Null);
        yield return Require(options.UserPromptTemplate?.Contains("{text}", StringComparison.Ordinal) == true, nameof(options.UserPromptTemplate), options.UserPromptTemplate,
            "must contain the placeholder {text}, where the item's text goes.", Invalid);
        foreach (var violation in ChatLabelerRules(options.MaxConcurrency, options.MaxRetryAttempts, options.RetryBaseDelay,
                     options.RetryMaxDelay, options.MaxRetryAfter, options.AttemptTimeout, options.TimeProvider))
        {
            yield return violation;
        }
    }
}
