using Microsoft.Extensions.Options;

namespace UuLearning.DependencyInjection;

/// <summary>Turns the exceptions of an options class's own checks into a <see cref="ValidateOptionsResult"/>.</summary>
internal static class OptionsValidation
{
    /// <summary>Runs <paramref name="check"/>; an <see cref="ArgumentException"/> becomes a failure naming the options type and property.</summary>
    public static ValidateOptionsResult Run(string optionsType, Action check)
    {
        try
        {
            check();
            return ValidateOptionsResult.Success;
        }
        catch (ArgumentException ex)
        {
            // ArgumentException.Message appends " (Parameter 'X')"; the property's name leads the failure instead.
            var message = ex.ParamName is null ? ex.Message : $"{optionsType}.{ex.ParamName}: {StripParameterSuffix(ex)}";
            return ValidateOptionsResult.Fail(message);
        }
    }

    private static string StripParameterSuffix(ArgumentException ex)
    {
        var message = ex.Message;
        var suffix = $" (Parameter '{ex.ParamName}')";
        var at = message.IndexOf(suffix, StringComparison.Ordinal);
        return at >= 0 ? message.Remove(at, suffix.Length) : message;
    }
}
