namespace UuLearning.Tests;

public sealed class PrecomputedPseudoLabelerTests
{
    [Fact]
    public async Task FromArrays_AlignedArrays_LabelsById()
    {
        var labeler = PrecomputedPseudoLabeler.FromArrays(["a", "b"], [PseudoLabel.Negative, PseudoLabel.Abstained]);

        var results = await labeler.LabelAsync([new("b", ""), new("a", "")]);

        Assert.Equal([PseudoLabel.Abstained, PseudoLabel.Negative], results.Select(r => r.Label));
        Assert.Equal(2, labeler.Count);
    }

    [Fact]
    public void FromArrays_LengthMismatch_ThrowsQuotingBoth()
    {
        var error = Assert.Throws<ArgumentException>(() => PrecomputedPseudoLabeler.FromArrays(["a", "b"], [PseudoLabel.Positive]));

        Assert.Contains("2 ids but 1 labels", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LabelAsync_UnknownId_ThrowsKeyNotFoundNamingIt()
    {
        var labeler = PrecomputedPseudoLabeler.FromArrays(["a"], [PseudoLabel.Positive]);

        var error = await Assert.ThrowsAsync<KeyNotFoundException>(() => labeler.LabelAsync([new("a", ""), new("zz", "")]));

        Assert.Contains("'zz'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1", true, PseudoLabel.Positive)]
    [InlineData(" yes ", true, PseudoLabel.Positive)]
    [InlineData("Positive", true, PseudoLabel.Positive)]
    [InlineData("0", true, PseudoLabel.Negative)]
    [InlineData("-1", true, PseudoLabel.Negative)]
    [InlineData("False", true, PseudoLabel.Negative)]
    [InlineData("", true, PseudoLabel.Abstained)]
    [InlineData(null, true, PseudoLabel.Abstained)]
    [InlineData("2", false, PseudoLabel.Abstained)]
    [InlineData("spam", false, PseudoLabel.Abstained)]
    public void TryParseLabel_Values_ReadsOrRejects(string? value, bool ok, PseudoLabel expected)
    {
        Assert.Equal(ok, PrecomputedPseudoLabeler.TryParseLabel(value, null, null, out var label));
        Assert.Equal(expected, label);
    }

    [Theory]
    [InlineData("Spam", PseudoLabel.Positive)]
    [InlineData(" ham ", PseudoLabel.Negative)]
    [InlineData("1", PseudoLabel.Positive)]
    public void TryParseLabel_ClassNames_ReadAsTheirClass(string value, PseudoLabel expected)
    {
        Assert.True(PrecomputedPseudoLabeler.TryParseLabel(value, "spam", "ham", out var label));
        Assert.Equal(expected, label);
    }
}
