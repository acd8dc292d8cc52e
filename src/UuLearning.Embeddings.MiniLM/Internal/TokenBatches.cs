namespace UuLearning.Internal;

/// <summary>Groups texts into model calls by word-piece count, so that padding stays small: texts sorted by length
/// (shortest first, ties in input order), each call taking the next texts while it holds at most <c>maxTexts</c> texts
/// and at most <c>maxTokens</c> padded positions (number of texts times the longest one).</summary>
internal static class TokenBatches
{
    /// <summary>The calls, each a run of <paramref name="order"/>; <paramref name="order"/> receives the text indices
    /// sorted by length.</summary>
    /// <param name="lengths">Word pieces per text, each at most <paramref name="maxTokens"/>.</param>
    /// <param name="maxTexts">The most texts per call, at least 1.</param>
    /// <param name="maxTokens">The most padded positions per call.</param>
    /// <param name="order">The text indices, sorted by length.</param>
    /// <param name="maxPadding">A call does not take the next text if that would make its padded positions more than
    /// <c>1 + maxPadding</c> times its real word pieces (no such limit by default).</param>
    public static List<Range> Plan(IReadOnlyList<int> lengths, int maxTexts, int maxTokens, out int[] order, double maxPadding = double.PositiveInfinity)
    {
        var sorted = Enumerable.Range(0, lengths.Count).OrderBy(i => lengths[i]).ToArray();
        var batches = new List<Range>();
        for (var start = 0; start < sorted.Length;)
        {
            var end = start + 1;
            long real = lengths[sorted[start]];
            while (end < sorted.Length && end - start < maxTexts && (long)(end - start + 1) * lengths[sorted[end]] <= maxTokens
                && (end - start + 1) * (double)lengths[sorted[end]] <= (1 + maxPadding) * (real + lengths[sorted[end]]))
            {
                real += lengths[sorted[end]];
                end++;
            }

            batches.Add(start..end);
            start = end;
        }

        order = sorted;
        return batches;
    }
}
