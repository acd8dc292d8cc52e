namespace UuLearning.Tests;

public sealed class LabelAnswerParserTests
{
    [Theory]
    [InlineData("Yes", PseudoLabel.Positive)]
    [InlineData("yes.", PseudoLabel.Positive)]
    [InlineData("  YES, it is.", PseudoLabel.Positive)]
    [InlineData("No", PseudoLabel.Negative)]
    [InlineData("no!", PseudoLabel.Negative)]
    [InlineData("True", PseudoLabel.Positive)]
    [InlineData("false", PseudoLabel.Negative)]
    [InlineData("1", PseudoLabel.Positive)]
    [InlineData("0", PseudoLabel.Negative)]
    [InlineData("spam", PseudoLabel.Positive)]
    [InlineData("Spam.", PseudoLabel.Positive)]
    [InlineData("not spam", PseudoLabel.Negative)]
    [InlineData("Not Spam - it is a normal comment", PseudoLabel.Negative)]
    [InlineData("**spam**", PseudoLabel.Positive)]
    [InlineData("\"not spam\"", PseudoLabel.Negative)]
    [InlineData("Answer: spam", PseudoLabel.Positive)]
    [InlineData("Label: no", PseudoLabel.Negative)]
    [InlineData("- yes", PseudoLabel.Positive)]
    [InlineData("A", PseudoLabel.Positive)]
    [InlineData("(B)", PseudoLabel.Negative)]
    [InlineData("B.", PseudoLabel.Negative)]
    [InlineData("positive", PseudoLabel.Positive)]
    [InlineData("negative", PseudoLabel.Negative)]
    [InlineData("{\"label\": \"spam\"}", PseudoLabel.Positive)]
    [InlineData("```json\n{\"label\": \"not spam\", \"confidence\": 0.7}\n```", PseudoLabel.Negative)]
    [InlineData("{\"answer\": true}", PseudoLabel.Positive)]
    public void Parse_ReadableAnswer_ReturnsLabel(string answer, PseudoLabel expected)
    {
        var (label, outcome, _) = LabelAnswerParser.Parse(answer, "spam", "not spam");

        Assert.Equal(expected, label);
        Assert.Equal(LabelingOutcome.Labeled, outcome);
    }

    [Theory]
    [InlineData("I'm sorry, but I can't help with that.")]
    [InlineData("I cannot classify this content.")]
    [InlineData("As an AI language model, I do not judge comments.")]
    [InlineData("Sorry.")]
    public void Parse_Refusal_AbstainsAsRefused(string answer)
    {
        var (label, outcome, confidence) = LabelAnswerParser.Parse(answer, "spam", "not spam");

        Assert.Equal(PseudoLabel.Abstained, label);
        Assert.Equal(LabelingOutcome.Refused, outcome);
        Assert.Null(confidence);
    }

    [Theory]
    [InlineData("unsure")]
    [InlineData("Not sure.")]
    [InlineData("Uncertain")]
    [InlineData("{\"label\": \"unsure\"}")]
    [InlineData("{\"label\": null}")]
    public void Parse_ExplicitAbstention_Abstains(string answer)
    {
        var (label, outcome, _) = LabelAnswerParser.Parse(answer, "spam", "not spam");

        Assert.Equal(PseudoLabel.Abstained, label);
        Assert.Equal(LabelingOutcome.Abstained, outcome);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    [InlineData("The comment mentions a channel.")]
    [InlineData("Absolutely")]
    [InlineData("a spammy-looking comment")]
    [InlineData("{\"label\": \"maybe-ish\"}")]
    [InlineData("{not json at all")]
    [InlineData("ham")]
    [InlineData("%$#@!")]
    [InlineData("spam-free")]
    public void Parse_Garbage_AbstainsAsUnreadable(string? answer)
    {
        var (label, outcome, _) = LabelAnswerParser.Parse(answer, "spam", "not spam");

        Assert.Equal(PseudoLabel.Abstained, label);
        Assert.Equal(LabelingOutcome.Unreadable, outcome);
    }

    [Theory]
    [InlineData("{\"label\": \"spam\", \"confidence\": 0.75}", 0.75)]
    [InlineData("{\"label\": \"spam\", \"confidence\": 1.5}", null)]
    [InlineData("{\"label\": \"spam\", \"confidence\": -0.1}", null)]
    [InlineData("{\"label\": \"spam\"}", null)]
    public void Parse_JsonConfidence_KeptOnlyInUnitInterval(string answer, double? expected)
    {
        var (_, _, confidence) = LabelAnswerParser.Parse(answer, "spam", "not spam");

        Assert.Equal(expected, confidence);
    }

    [Fact]
    public void Parse_ClassNameIsPrefixOfTheOther_LongerNameWins()
    {
        // "spam" is a prefix of "spam-free": the longer name must be tried first.
        Assert.Equal(PseudoLabel.Negative, LabelAnswerParser.Parse("spam-free", "spam", "spam-free").Label);
        Assert.Equal(PseudoLabel.Positive, LabelAnswerParser.Parse("spam", "spam", "spam-free").Label);
    }
}
