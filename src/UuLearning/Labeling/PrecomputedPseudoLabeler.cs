namespace UuLearning;

/// <summary>
/// A labeler for labels already in hand: from an earlier run, a file, or another tool. It looks each item up by id.
/// </summary>
/// <remarks>
/// Immutable after construction and thread-safe. Asking for an item it has no label for is an error, not an abstention,
/// so a misaligned id column cannot pass silently.
/// </remarks>
public sealed class PrecomputedPseudoLabeler : IPseudoLabeler
{
    private readonly Dictionary<string, PseudoLabel> _labels;

    /// <summary>Creates a labeler from labels by item id.</summary>
    /// <param name="labels">The label of each item id; <see cref="PseudoLabel.Abstained"/> is allowed.</param>
    /// <exception cref="ArgumentNullException"><paramref name="labels"/> or one of its keys is null.</exception>
    /// <exception cref="ArgumentException">A label is not a defined <see cref="PseudoLabel"/> value.</exception>
    public PrecomputedPseudoLabeler(IEnumerable<KeyValuePair<string, PseudoLabel>> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        _labels = new Dictionary<string, PseudoLabel>(StringComparer.Ordinal);
        foreach (var (id, label) in labels)
        {
            ArgumentNullException.ThrowIfNull(id, nameof(labels));
            if (!Enum.IsDefined(label))
            {
                throw new ArgumentException($"The label of item '{id}' is {(int)label}, not -1, 0 or 1.", nameof(labels));
            }
            if (!_labels.TryAdd(id, label))
            {
                throw new ArgumentException($"Item id '{id}' has more than one label.", nameof(labels));
            }
        }
    }

    /// <summary>Creates a labeler from two aligned arrays.</summary>
    /// <param name="ids">The item ids.</param>
    /// <param name="labels">The labels, one per id.</param>
    /// <returns>The labeler.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The lengths differ, or an id repeats.</exception>
    public static PrecomputedPseudoLabeler FromArrays(IReadOnlyList<string> ids, IReadOnlyList<PseudoLabel> labels)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(labels);
        if (ids.Count != labels.Count)
        {
            throw new ArgumentException($"There are {ids.Count} ids but {labels.Count} labels; give one label per id.", nameof(labels));
        }
        return new PrecomputedPseudoLabeler(ids.Select((id, i) => KeyValuePair.Create(id, labels[i])));
    }

    /// <summary>
    /// Reads one precomputed label: <c>1</c>, <c>+1</c>, <c>true</c>, <c>yes</c>, <c>positive</c> or the positive class
    /// name are positive; <c>0</c>, <c>-1</c>, <c>false</c>, <c>no</c>, <c>negative</c> or the negative class name are
    /// negative; an empty value (or <c>abstain</c>) is an abstention. Case and surrounding spaces are ignored.
    /// </summary>
    /// <param name="value">The value.</param>
    /// <param name="positiveClassName">An extra word read as positive, or null.</param>
    /// <param name="negativeClassName">An extra word read as negative, or null.</param>
    /// <param name="label">The label read.</param>
    /// <returns>Whether the value was a label.</returns>
    public static bool TryParseLabel(string? value, string? positiveClassName, string? negativeClassName, out PseudoLabel label)
    {
        string v = (value ?? string.Empty).Trim();
        if (v.Length == 0 || v.Equals("abstain", StringComparison.OrdinalIgnoreCase) || v.Equals("abstained", StringComparison.OrdinalIgnoreCase))
        {
            label = PseudoLabel.Abstained;
            return true;
        }
        if (positiveClassName is not null && v.Equals(positiveClassName.Trim(), StringComparison.OrdinalIgnoreCase))
        {
            label = PseudoLabel.Positive;
            return true;
        }
        if (negativeClassName is not null && v.Equals(negativeClassName.Trim(), StringComparison.OrdinalIgnoreCase))
        {
            label = PseudoLabel.Negative;
            return true;
        }
        switch (v.ToLowerInvariant())
        {
            case "1" or "+1" or "1.0" or "true" or "yes" or "positive":
                label = PseudoLabel.Positive;
                return true;
            case "0" or "-1" or "0.0" or "-1.0" or "false" or "no" or "negative":
                label = PseudoLabel.Negative;
                return true;
            default:
                label = PseudoLabel.Abstained;
                return false;
        }
    }

    /// <summary>The number of items with a label (abstentions included).</summary>
    public int Count => _labels.Count;

    /// <inheritdoc />
    /// <exception cref="KeyNotFoundException">An item's id has no precomputed label; the message names the first few.</exception>
    public Task<IReadOnlyList<PseudoLabelResult>> LabelAsync(IReadOnlyList<LabelingItem> items, CancellationToken cancellationToken = default)
    {
        LabelingInput.Validate(items);
        cancellationToken.ThrowIfCancellationRequested();
        var results = new PseudoLabelResult[items.Count];
        List<string>? missing = null;
        for (int i = 0; i < items.Count; i++)
        {
            if (_labels.TryGetValue(items[i].Id, out var label))
            {
                results[i] = new PseudoLabelResult(items[i].Id, label);
            }
            else
            {
                (missing ??= []).Add(items[i].Id);
            }
        }
        if (missing is not null)
        {
            throw new KeyNotFoundException(
                $"{missing.Count} item(s) have no precomputed label, for example '{string.Join("', '", missing.Take(5))}'. Check that the id column matches the items' ids.");
        }
        return Task.FromResult<IReadOnlyList<PseudoLabelResult>>(results);
    }
}
