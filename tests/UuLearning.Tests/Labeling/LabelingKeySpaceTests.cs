using Microsoft.Extensions.AI;

namespace UuLearning.Tests;

/// <summary>The store key spaces: the binary one must not move (stores written before keep being reused).</summary>
public sealed class LabelingKeySpaceTests
{
    [Fact]
    public void BinaryKeySpace_IsTheHashOfTheDocumentedFields()
    {
        using var client = new TestChatClient();
        var labeler = new ChatClientPseudoLabeler(client, new ChatClientPseudoLabelerOptions
        {
            Instruction = "Is it spam",
            SystemPromptTemplate = "{instruction}",
            PositiveClassName = "spam",
            NegativeClassName = "ham",
            UseStructuredOutput = false,
            ChatOptions = new ChatOptions { ModelId = "m1" },
        });

        // The first 16 hex digits of SHA-256 over
        // {"version":1,"system":"Is it spam","user":"{text}","positive":"spam","negative":"ham","examples":[],"model":"m1","structured":false}
        // computed outside .NET (Python hashlib), so this pins the format the stores of earlier versions were written with.
        Assert.Equal("51fa0f02eb269e86", labeler.KeySpace);
    }

    [Fact]
    public void ClassKeySpace_DependsOnTheClassNamesAndTheirOrder()
    {
        using var client = new TestChatClient();
        static ChatClientClassLabelerOptions Options(params string[] names)
        {
            var options = new ChatClientClassLabelerOptions { Instruction = "Which?" };
            foreach (string name in names)
            {
                options.ClassNames.Add(name);
            }
            return options;
        }

        string abc = new ChatClientClassLabeler(client, Options("a", "b", "c")).KeySpace;

        Assert.Equal(abc, new ChatClientClassLabeler(client, Options("a", "b", "c")).KeySpace);
        Assert.NotEqual(abc, new ChatClientClassLabeler(client, Options("b", "a", "c")).KeySpace);
        Assert.NotEqual(abc, new ChatClientClassLabeler(client, Options("a", "b", "d")).KeySpace);
        Assert.Equal(16, abc.Length);
    }
}
