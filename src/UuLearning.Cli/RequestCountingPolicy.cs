using System.ClientModel.Primitives;

namespace UuLearning.Cli;

/// <summary>Counts the HTTP requests the OpenAI client sends, just before its transport (so every try counts once).</summary>
/// <remarks>Thread-safe.</remarks>
internal sealed class RequestCountingPolicy : PipelinePolicy
{
    private long _requests;

    /// <summary>The requests sent so far.</summary>
    public long Requests => Interlocked.Read(ref _requests);

    public override void Process(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
    {
        Interlocked.Increment(ref _requests);
        ProcessNext(message, pipeline, currentIndex);
    }

    public override ValueTask ProcessAsync(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
    {
        Interlocked.Increment(ref _requests);
        return ProcessNextAsync(message, pipeline, currentIndex);
    }
}
