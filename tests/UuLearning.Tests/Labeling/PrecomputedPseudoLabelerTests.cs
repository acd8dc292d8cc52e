namespace UuLearning.Tests;

public sealed class PrecomputedPseudoLabelerTests
{
    private static readonly LabelingItem[] s_items =
        [new("1", "a"), new("2", "b"), new("3", "c"), new("4", "d"), new("5", "e"), new("6", "f"), new("7", "g")];

    [Fact]
    public async Task FromCsv_MixedValueFormats_ReadsLabelsByIdWithAbstentions()
    {
        const string csv = "id,text,gold,llm\n" +
            "1,\"hi, there\",1,1\n" +
            "2,b,0,0\n" +
            "3,c,1,\n" +
            "4,d,0,no\n" +
            "5,e,1,TRUE\n" +
            "6,f,0,Ham\n" +
            "7,g,1,spam\n";
        var labeler = PrecomputedPseudoLabeler.FromCsv(new StringReader(csv), "llm", positiveClassName: "spam", negativeClassName: "ham");

        var results = await labeler.LabelAsync(s_items.Reverse().ToList());

        Assert.Equal(
            [PseudoLabel.Positive, PseudoLabel.Negative, PseudoLabel.Positive, PseudoLabel.Negative, PseudoLabel.Abstained, PseudoLabel.Negative, PseudoLabel.Positive],
            results.Select(r => r.Label));
        Assert.Equal(["7", "6", "5", "4", "3", "2", "1"], results.Select(r => r.Id));
        Assert.Equal(LabelingOutcome.Abstained, results[4].Outcome);
    }

    [Fact]
    public async Task FromCsv_QuotedFieldWithLineBreaksAndQuotes_ReadsNextColumn()
    {
        const string csv = "id,text,gold,split,llm\r\n" +
            "a,\"line one\nline \"\"two\"\", end\",1,train,0\r\n" +
            "b,plain,0,test,1\r\n";

        var results = await PrecomputedPseudoLabeler.FromCsv(new StringReader(csv), "llm").LabelAsync([new("a", ""), new("b", "")]);

        Assert.Equal([PseudoLabel.Negative, PseudoLabel.Positive], results.Select(r => r.Label));
    }

    [Fact]
    public void FromCsv_UnreadableValue_ThrowsNamingRowAndValue()
    {
        const string csv = "id,llm\n1,1\n2,maybe\n";

        var error = Assert.Throws<InvalidDataException>(() => PrecomputedPseudoLabeler.FromCsv(new StringReader(csv), "llm"));

        Assert.Contains("'maybe'", error.Message, StringComparison.Ordinal);
        Assert.Contains("row 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromCsv_MissingColumn_ThrowsListingColumns()
    {
        var error = Assert.Throws<InvalidDataException>(() => PrecomputedPseudoLabeler.FromCsv(new StringReader("id,gold\n1,1\n"), "llm"));

        Assert.Contains("'llm'", error.Message, StringComparison.Ordinal);
        Assert.Contains("id, gold", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromCsv_RepeatedId_Throws()
    {
        Assert.Throws<InvalidDataException>(() => PrecomputedPseudoLabeler.FromCsv(new StringReader("id,l\n1,1\n1,0\n"), "l"));
    }

    [Fact]
    public async Task FromCsv_File_ReadsLabels()
    {
        string path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "id,l\nx,-1\ny,+1\n");
            var results = await PrecomputedPseudoLabeler.FromCsv(path, "l").LabelAsync([new("x", ""), new("y", "")]);
            Assert.Equal([PseudoLabel.Negative, PseudoLabel.Positive], results.Select(r => r.Label));
        }
        finally
        {
            File.Delete(path);
        }
    }

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
}
