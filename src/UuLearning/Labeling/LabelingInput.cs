namespace UuLearning;

/// <summary>The one input check shared by every labeler.</summary>
internal static class LabelingInput
{
    public static void Validate(IReadOnlyList<LabelingItem> items, string paramName = "items")
    {
        ArgumentNullException.ThrowIfNull(items, paramName);
        var seen = new HashSet<string>(items.Count, StringComparer.Ordinal);
        for (int i = 0; i < items.Count; i++)
        {
            var item = items[i] ?? throw new ArgumentNullException(paramName, $"Item {i} is null.");
            if (item.Id is null)
            {
                throw new ArgumentNullException(paramName, $"Item {i} has a null Id; give every item a stable, unique id.");
            }
            if (item.Text is null)
            {
                throw new ArgumentNullException(paramName, $"Item {i} (id '{item.Id}') has null Text; use an empty string for an empty text.");
            }
            if (!seen.Add(item.Id))
            {
                throw new ArgumentException($"Item id '{item.Id}' appears more than once (again at position {i}); ids must be unique.", paramName);
            }
        }
    }
}
