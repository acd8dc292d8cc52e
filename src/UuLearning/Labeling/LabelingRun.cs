namespace UuLearning;

/// <summary>Counters of one labeling run, and the run itself (<see cref="RunAsync"/>); thread-safe.</summary>
internal sealed class LabelingRun(int total, IProgress<LabelingProgress>? progress, TimeProvider timeProvider)
{
    private readonly long _started = timeProvider.GetTimestamp();
    private readonly long[] _retries = new long[Enum.GetValues<RetryCause>().Length];
    private int _completed;
    private int _labeled;
    private int _abstained;
    private int _failed;
    private int _fromStore;
    private long _calls;
    private long _answers;
    private long _timedOut;
    private long _inputTokens;
    private long _outputTokens;

    /// <summary>
    /// One labeling run shared by the chat labelers: takes what the store already holds, asks for the rest with at most
    /// <paramref name="maxConcurrency"/> calls in flight, appends every answer (not the failures) to the store as it
    /// arrives, and counts and reports progress.
    /// </summary>
    /// <typeparam name="T">The labeler's result type.</typeparam>
    /// <param name="items">The validated items.</param>
    /// <param name="store">The annotation store, or null.</param>
    /// <param name="keySpace">The labeler's key space in the store.</param>
    /// <param name="maxConcurrency">The most calls in flight.</param>
    /// <param name="fromStore">A stored annotation as a result, or null to ask again.</param>
    /// <param name="toStore">A result as the store keeps it.</param>
    /// <param name="describe">Whether a result failed or abstained, and its tokens.</param>
    /// <param name="labelOne">Asks for one item (retries included); never throws for an item's own failure.</param>
    /// <param name="onStart">Called once the store is read, with the counts taken from it and left to ask.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>One result per item, in the order of <paramref name="items"/>.</returns>
    public async Task<T[]> RunAsync<T>(IReadOnlyList<LabelingItem> items, IAnnotationStore? store, string keySpace, int maxConcurrency,
        Func<PseudoLabelResult, T?> fromStore, Func<T, PseudoLabelResult> toStore,
        Func<T, (bool Failed, bool Abstained, long? InputTokens, long? OutputTokens)> describe,
        Func<LabelingItem, CancellationToken, Task<T>> labelOne, Action<int, int> onStart, CancellationToken cancellationToken)
        where T : class
    {
        var results = new T[items.Count];
        IReadOnlyDictionary<string, PseudoLabelResult> stored = store is null
            ? new Dictionary<string, PseudoLabelResult>()
            : await store.LoadAsync(keySpace, cancellationToken).ConfigureAwait(false);
        var pending = new List<int>(items.Count);
        for (int i = 0; i < items.Count; i++)
        {
            if (stored.TryGetValue(items[i].Id, out var annotation) && fromStore(annotation) is { } result)
            {
                results[i] = result;
                var d = describe(result);
                Count(d.Failed, d.Abstained, fromStore: true);
            }
            else
            {
                pending.Add(i);
            }
        }
        onStart(items.Count - pending.Count, pending.Count);
        Report();

        var parallel = new ParallelOptions { MaxDegreeOfParallelism = maxConcurrency, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(pending, parallel, async (index, token) =>
        {
            var result = await labelOne(items[index], token).ConfigureAwait(false);
            var d = describe(result);
            if (!d.Failed)
            {
                CountAnswer(d.InputTokens, d.OutputTokens);
                if (store is not null)
                {
                    // Paid for: record it even if the run is being canceled.
                    await store.AppendAsync(keySpace, toStore(result), CancellationToken.None).ConfigureAwait(false);
                }
            }
            results[index] = result;
            Count(d.Failed, d.Abstained, fromStore: false);
            Report();
        }).ConfigureAwait(false);

        Report();
        return results;
    }

    public void CountCall() => Interlocked.Increment(ref _calls);

    public void CountRetry(RetryCause cause) => Interlocked.Increment(ref _retries[(int)cause]);

    public void CountTimeout() => Interlocked.Increment(ref _timedOut);

    public void CountAnswer(long? inputTokens, long? outputTokens)
    {
        Interlocked.Increment(ref _answers);
        Interlocked.Add(ref _inputTokens, inputTokens ?? 0);
        Interlocked.Add(ref _outputTokens, outputTokens ?? 0);
    }

    public void Count(bool failed, bool abstained, bool fromStore)
    {
        if (fromStore)
        {
            Interlocked.Increment(ref _fromStore);
        }
        if (failed)
        {
            Interlocked.Increment(ref _failed);
        }
        else if (abstained)
        {
            Interlocked.Increment(ref _abstained);
        }
        else
        {
            Interlocked.Increment(ref _labeled);
        }
        Interlocked.Increment(ref _completed);
    }

    public LabelingProgress Snapshot() => new(total, Volatile.Read(ref _completed), Volatile.Read(ref _labeled),
        Volatile.Read(ref _abstained), Volatile.Read(ref _failed), Volatile.Read(ref _fromStore), Interlocked.Read(ref _calls),
        timeProvider.GetElapsedTime(_started))
    {
        Answers = Interlocked.Read(ref _answers),
        Retries = new LabelingRetries(
            Interlocked.Read(ref _retries[(int)RetryCause.RateLimited]),
            Interlocked.Read(ref _retries[(int)RetryCause.ServerError]),
            Interlocked.Read(ref _retries[(int)RetryCause.Timeout]),
            Interlocked.Read(ref _retries[(int)RetryCause.Malformed]),
            Interlocked.Read(ref _retries[(int)RetryCause.Transport])),
        TimedOutAttempts = Interlocked.Read(ref _timedOut),
        InputTokens = Interlocked.Read(ref _inputTokens),
        OutputTokens = Interlocked.Read(ref _outputTokens),
    };

    public void Report() => progress?.Report(Snapshot());
}
