using System.Numerics.Tensors;
using Microsoft.ML.OnnxRuntime;

namespace UuLearning.Tests;

/// <summary>Batch-parallel inference: calls of two or more batches run on several workers (<c>IntraOpThreads</c> > 1),
/// checked against the one-thread, one-batch-after-another generator of <see cref="MiniLmFixture"/>.</summary>
public class MiniLmBatchParallelTests(MiniLmFixture fixture) : IClassFixture<MiniLmFixture>
{
    // Lengths from 1 to about 200 word pieces, shuffled, so that the length-sorted batches (at most 4 texts and 512
    // padded positions) are many and of different sizes, and input order differs from the order the model sees them in.
    private static readonly string[] MixedTexts = [.. Enumerable.Range(0, 40)
        .Select(i => string.Join(' ', Enumerable.Repeat($"word{i} about the weather, cooking and sport.", 1 + (i * 7 % 23))))
        .Concat(["", "Short.", "A middle-sized sentence about cooking pasta at home."])];

    private static MiniLmEmbeddingGenerator Parallel(MiniLmBatchParallelism parallelism, int threads = 3) =>
        new(new MiniLmEmbeddingGeneratorOptions { IntraOpThreads = threads, MaxBatchSize = 4, MaxBatchTokens = 512 }, null, parallelism);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task GenerateAsync_MixedLengthsOnSeveralWorkers_SameVectorsInInputOrderAsOneThread(bool shareSession)
    {
        using var generator = Parallel(shareSession ? MiniLmBatchParallelism.SharedSession : MiniLmBatchParallelism.SecondSession);

        var together = await generator.GenerateAsync(MixedTexts);
        var alone = await fixture.Generator.GenerateAsync(MixedTexts);

        Assert.Equal(MixedTexts.Length, together.Count);
        for (var i = 0; i < MixedTexts.Length; i++)
        {
            var cosine = TensorPrimitives.CosineSimilarity(alone[i].Vector.Span, together[i].Vector.Span);
            Assert.True(cosine >= 0.99999f, $"text {i}: cosine {cosine}");
        }
    }

    [Fact]
    public async Task GenerateAsync_OneBatchOnSeveralThreads_SameVectorAsOneThread()
    {
        using var generator = Parallel(MiniLmBatchParallelism.SecondSession);
        string[] texts = ["One short text.", "Another short text."];
        var calls = 0;
        generator.BatchStarting = _ => calls++;

        var both = await generator.GenerateAsync(texts);
        var alone = await fixture.Generator.GenerateAsync(texts);

        Assert.Equal(1, calls);

        for (var i = 0; i < texts.Length; i++)
        {
            Assert.True(TensorPrimitives.CosineSimilarity(alone[i].Vector.Span, both[i].Vector.Span) >= 0.99999f, $"text {i}");
        }
    }

    [Fact]
    public async Task GenerateAsync_SameTextsTwice_BitForBitEqual()
    {
        using var generator = Parallel(MiniLmBatchParallelism.SecondSession);

        var first = await generator.GenerateAsync(MixedTexts);
        var second = await generator.GenerateAsync(MixedTexts);

        for (var i = 0; i < MixedTexts.Length; i++)
        {
            Assert.True(first[i].Vector.Span.SequenceEqual(second[i].Vector.Span), $"text {i}");
        }
    }

    [Fact]
    public async Task GenerateAsync_CanceledDuringTheCall_ThrowsOperationCanceledAndStopsTakingBatches()
    {
        using var generator = Parallel(MiniLmBatchParallelism.SecondSession, threads: 2);
        using var cts = new CancellationTokenSource();
        var startedAfterCancel = 0;
        generator.BatchStarting = k =>
        {
            if (cts.IsCancellationRequested)
            {
                Interlocked.Increment(ref startedAfterCancel);
            }
            else if (k == 2)
            {
                cts.Cancel();
            }
        };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => generator.GenerateAsync(MixedTexts, cancellationToken: cts.Token));

        // At least 11 batches (43 texts, at most 4 per call). The worker that canceled stops; the other one may have
        // taken one more batch before it saw the cancellation, and stops there.
        Assert.InRange(startedAfterCancel, 0, 1);
    }

    [Fact]
    public async Task GenerateAsync_WorkerThrows_SameExceptionSurfacesUnwrappedAndWorkersStop()
    {
        using var generator = Parallel(MiniLmBatchParallelism.SecondSession);
        var failure = new InvalidOperationException("batch 4 failed");
        var failed = 0;
        var startedAfterFailure = 0;
        generator.BatchStarting = k =>
        {
            if (Volatile.Read(ref failed) == 1)
            {
                Interlocked.Increment(ref startedAfterFailure);
            }
            else if (k == 4)
            {
                Volatile.Write(ref failed, 1);
                throw failure;
            }
        };

        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() => generator.GenerateAsync(MixedTexts));

        Assert.Same(failure, thrown);
        Assert.InRange(startedAfterFailure, 0, 2); // the two other workers, at most one batch each
    }

    [Fact]
    public void Embed_WordPieceIdOutsideVocabulary_ThrowsTheModelErrorAsOneThreadDoes()
    {
        // One text among many has an id past the vocabulary: the model call of its batch fails, on whichever worker.
        var ids = MixedTexts.Select(fixture.Generator.Tokenize).ToList();
        ids[17] = [.. ids[17]];
        ids[17][1] = 1_000_000;
        using var generator = Parallel(MiniLmBatchParallelism.SecondSession);

        var expected = Assert.Throws<OnnxRuntimeException>(() => fixture.Generator.Embed(ids, CancellationToken.None));
        var actual = Assert.Throws<OnnxRuntimeException>(() => generator.Embed(ids, CancellationToken.None));

        Assert.Equal(expected.Message, actual.Message);
    }

    [Fact]
    public async Task GenerateAsync_AfterDispose_ThrowsObjectDisposed()
    {
        var generator = Parallel(MiniLmBatchParallelism.SecondSession);
        generator.Dispose();
        generator.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => generator.GenerateAsync(MixedTexts));
    }
}
