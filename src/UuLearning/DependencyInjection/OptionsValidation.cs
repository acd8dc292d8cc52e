using System.Globalization;
using Microsoft.Extensions.Options;

namespace UuLearning.DependencyInjection;

/// <summary>One broken rule of an options object: the property (a path such as <c>Trainer.Epochs</c> for nested
/// options), its value, and the message, which always starts with <c>OptionsType.Property</c>.</summary>
internal sealed record OptionsViolation(string Property, object? Value, string Message, OptionsViolationKind Kind)
{
    /// <summary>The exception constructors throw: its <see cref="ArgumentException.ParamName"/> is <see cref="Property"/>.</summary>
    public ArgumentException ToException() => Kind switch
    {
        OptionsViolationKind.Null => new ArgumentNullException(Property, Message),
        OptionsViolationKind.OutOfRange => new ArgumentOutOfRangeException(Property, Value, Message),
        _ => new ArgumentException(Message, Property),
    };

    /// <summary>The same rule broken inside a nested options object (for example <c>IterativeRefinerOptions.Trainer</c>).</summary>
    public OptionsViolation Nested(string outerType, string outerProperty, string innerType) => this with
    {
        Property = outerProperty + "." + Property,
        Message = outerType + "." + outerProperty + "." + Message[(innerType.Length + 1)..],
    };
}

/// <summary>Which <see cref="ArgumentException"/> a violation becomes.</summary>
internal enum OptionsViolationKind
{
    /// <summary>A value outside its range or set: <see cref="ArgumentOutOfRangeException"/>.</summary>
    OutOfRange,

    /// <summary>A required value is null: <see cref="ArgumentNullException"/>.</summary>
    Null,

    /// <summary>Anything else (empty text, inconsistent values): <see cref="ArgumentException"/>.</summary>
    Invalid,
}

/// <summary>
/// The one validator of an options type. The class's constructor calls <see cref="ThrowIfInvalid"/>; the DI container
/// calls <see cref="Validate"/> (registered as <see cref="IValidateOptions{TOptions}"/>). Both report the first broken
/// rule of <see cref="Rules"/>, with the same message and the same property name.
/// </summary>
/// <remarks>To add an option: add one <c>yield return</c> line to the type's <see cref="Rules"/> and one test row for it
/// in OptionsValidatorTests.</remarks>
/// <typeparam name="TOptions">The options type.</typeparam>
internal abstract class OptionsValidator<TOptions> : IValidateOptions<TOptions>
    where TOptions : class
{
    /// <summary>The options type's name, which starts every message.</summary>
    protected static string TypeName { get; } = typeof(TOptions).Name;

    /// <summary>Every rule in order, <see langword="null"/> for one that holds. Evaluated lazily: checking stops at the
    /// first violation, so later rules may assume earlier ones hold (for example a non-null value).</summary>
    /// <param name="options">The options to check; not null.</param>
    /// <returns>The rules' outcomes.</returns>
    protected internal abstract IEnumerable<OptionsViolation?> Rules(TOptions options);

    /// <summary>The first broken rule, or <see langword="null"/> when every rule holds.</summary>
    public OptionsViolation? FirstViolation(TOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Rules(options).FirstOrDefault(v => v is not null);
    }

    /// <summary>Throws the first broken rule as an <see cref="ArgumentException"/> naming the property.</summary>
    public void ThrowIfInvalid(TOptions options)
    {
        if (FirstViolation(options) is { } violation)
        {
            throw violation.ToException();
        }
    }

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, TOptions options) =>
        FirstViolation(options) is { } violation ? ValidateOptionsResult.Fail(violation.Message) : ValidateOptionsResult.Success;

    /// <summary><paramref name="value"/> must lie in [<paramref name="min"/>, <paramref name="max"/>] (NaN never does).</summary>
    protected static OptionsViolation? Range<T>(string property, T value, T min, T max, string? hint = null)
        where T : IComparable<T> =>
        value.CompareTo(min) >= 0 && value.CompareTo(max) <= 0 && !(value is double d && double.IsNaN(d))
            ? null
            : OutOfRange(property, value, string.Create(CultureInfo.InvariantCulture, $"must be between {min} and {max}{hint}."));

    /// <summary><paramref name="value"/> must be a named member of its enum.</summary>
    protected static OptionsViolation? Defined<TEnum>(string property, TEnum value)
        where TEnum : struct, Enum =>
        Enum.IsDefined(value) ? null : OutOfRange(property, value, $"must be {string.Join(", ", Enum.GetNames<TEnum>())}.");

    /// <summary>The concurrency, retry, timeout and clock rules shared by the chat labelers' options.</summary>
    protected static IEnumerable<OptionsViolation?> ChatLabelerRules(int maxConcurrency, int maxRetryAttempts, TimeSpan retryBaseDelay,
        TimeSpan retryMaxDelay, TimeSpan maxRetryAfter, TimeSpan attemptTimeout, TimeProvider? timeProvider)
    {
        yield return Range("MaxConcurrency", maxConcurrency, 1, 1024);
        yield return Range("MaxRetryAttempts", maxRetryAttempts, 0, 100);
        yield return Range("RetryBaseDelay", retryBaseDelay, TimeSpan.Zero, TimeSpan.FromHours(1));
        yield return Range("RetryMaxDelay", retryMaxDelay, retryBaseDelay, TimeSpan.FromHours(1));
        yield return Range("MaxRetryAfter", maxRetryAfter, TimeSpan.Zero, TimeSpan.FromHours(1));
        yield return Range("AttemptTimeout", attemptTimeout, TimeSpan.FromMilliseconds(10), TimeSpan.FromDays(1));
        yield return NotNull("TimeProvider", timeProvider);
    }

    /// <summary><paramref name="value"/> must not be null.</summary>
    protected static OptionsViolation? NotNull(string property, object? value) =>
        value is not null ? null : new OptionsViolation(property, null, $"{TypeName}.{property} must not be null.", OptionsViolationKind.Null);

    /// <summary>A rule of any shape: <paramref name="holds"/> or the message <c>OptionsType.property requirement</c>.</summary>
    protected static OptionsViolation? Require(bool holds, string property, object? value, string requirement, OptionsViolationKind kind = OptionsViolationKind.OutOfRange) =>
        holds ? null : new OptionsViolation(property, value, $"{TypeName}.{property} {requirement}", kind);

    private static OptionsViolation OutOfRange(string property, object? value, string requirement) =>
        new(property, value, $"{TypeName}.{property} {requirement}", OptionsViolationKind.OutOfRange);
}
