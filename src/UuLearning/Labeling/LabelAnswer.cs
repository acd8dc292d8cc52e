using System.ComponentModel;

namespace UuLearning;

/// <summary>The structured answer requested from the model (JSON schema through <c>GetResponseAsync&lt;T&gt;</c>).</summary>
internal sealed class LabelAnswer
{
    /// <summary>The class name chosen, or "unsure".</summary>
    [Description("Exactly one of the two class names given in the instructions, or \"unsure\".")]
    public string? Label { get; set; }

    /// <summary>The model's confidence in the label.</summary>
    [Description("Your confidence in the label, from 0 to 1.")]
    public double? Confidence { get; set; }
}
