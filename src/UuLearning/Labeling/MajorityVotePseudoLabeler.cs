using System.Globalization;
using System.Text;

namespace UuLearning;

/// <summary>
/// Combines several weak labelers (labeling functions, several LLMs, precomputed columns) by majority vote with abstention.
/// </summary>
/// <remarks>
/// <para>
/// Rule (see <see cref="Vote"/>): abstentions do not vote; the label with more votes wins; a tie, including the case
/// where every labeler abstained, is an abstention. The confidence is the winner's share of the non-abstaining votes,
/// and the raw answer lists the votes in labeler order (for example <c>"+1,0,-1,+1"</c>).
/// </para>
/// <para>
/// The labelers run concurrently, each over all items. Thread-safe when the labelers are. The combiner does not own its
/// labelers and does not dispose them.
/// </para>
/// </remarks>
public sealed class MajorityVotePseudoLabeler : IPseudoLabeler
{
    private readonly IPseudoLabeler[] _labelers;

    /// <summary>Creates a combiner.</summary>
    /// <param name="labelers">The labelers; at least one.</param>
    /// <exception cref="ArgumentNullException"><paramref name="labelers"/> or one of them is null.</exception>
    /// <exception cref="ArgumentException">There is no labeler.</exception>
    public MajorityVotePseudoLabeler(IEnumerable<IPseudoLabeler> labelers)
    {
        ArgumentNullException.ThrowIfNull(labelers);
        _labelers = labelers.ToArray();
        if (_labelers.Length == 0)
        {
            throw new ArgumentException("Give at least one labeler to vote.", nameof(labelers));
        }
        if (_labelers.Any(l => l is null))
        {
            throw new ArgumentNullException(nameof(labelers), "One of the labelers is null.");
        }
    }

    /// <summary>The labelers that vote, in order.</summary>
    public IReadOnlyList<IPseudoLabeler> Labelers => _labelers;

    /// <summary>The majority vote of one item's labels: abstentions do not count; a tie (or no vote) abstains.</summary>
    /// <param name="votes">The labels given to one item.</param>
    /// <returns>The winning label, or <see cref="PseudoLabel.Abstained"/> on a tie.</returns>
    public static PseudoLabel Vote(ReadOnlySpan<PseudoLabel> votes)
    {
        int sum = 0;
        foreach (var vote in votes)
        {
            sum += Math.Sign((int)vote);
        }
        return (PseudoLabel)Math.Sign(sum);
    }

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">A labeler returned a wrong number of results or an id out of order.</exception>
    public async Task<IReadOnlyList<PseudoLabelResult>> LabelAsync(IReadOnlyList<LabelingItem> items, CancellationToken cancellationToken = default)
    {
        LabelingInput.Validate(items);
        var all = await Task.WhenAll(_labelers.Select(l => l.LabelAsync(items, cancellationToken))).ConfigureAwait(false);
        for (int j = 0; j < all.Length; j++)
        {
            if (all[j].Count != items.Count)
            {
                throw new InvalidOperationException($"Labeler {j} ({_labelers[j].GetType().Name}) returned {all[j].Count} results for {items.Count} items.");
            }
        }

        var results = new PseudoLabelResult[items.Count];
        var votes = new PseudoLabel[_labelers.Length];
        var raw = new StringBuilder();
        for (int i = 0; i < items.Count; i++)
        {
            raw.Clear();
            int positive = 0, negative = 0;
            for (int j = 0; j < all.Length; j++)
            {
                var r = all[j][i];
                if (!string.Equals(r.Id, items[i].Id, StringComparison.Ordinal))
                {
                    throw new InvalidOperationException($"Labeler {j} ({_labelers[j].GetType().Name}) returned id '{r.Id}' at position {i}, where '{items[i].Id}' was expected.");
                }
                votes[j] = r.Label;
                positive += r.Label == PseudoLabel.Positive ? 1 : 0;
                negative += r.Label == PseudoLabel.Negative ? 1 : 0;
                if (j > 0)
                {
                    raw.Append(',');
                }
                raw.Append(r.Label switch { PseudoLabel.Positive => "+1", PseudoLabel.Negative => "-1", _ => "0" });
            }
            var label = Vote(votes);
            results[i] = new PseudoLabelResult(items[i].Id, label)
            {
                Confidence = label == PseudoLabel.Abstained ? null : (double)Math.Max(positive, negative) / (positive + negative),
                RawAnswer = raw.ToString(),
            };
        }
        return results;
    }
}
