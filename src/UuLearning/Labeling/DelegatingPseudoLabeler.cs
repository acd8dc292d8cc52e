namespace UuLearning;

/// <summary>
/// A pseudo-labeler that passes calls to an inner labeler; derive from it to add behaviour (logging, caching, filtering)
/// around any <see cref="IPseudoLabeler"/>, as <c>DelegatingChatClient</c> does for chat clients.
/// </summary>
/// <remarks>
/// The decorator owns its inner labeler: disposing it disposes <see cref="InnerLabeler"/> when that is
/// <see cref="IDisposable"/>. Thread safety is that of the inner labeler plus whatever the derived class adds.
/// </remarks>
public class DelegatingPseudoLabeler : IPseudoLabeler, IDisposable
{
    /// <summary>Creates a decorator over <paramref name="innerLabeler"/>.</summary>
    /// <param name="innerLabeler">The labeler calls are passed to.</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerLabeler"/> is null.</exception>
    protected DelegatingPseudoLabeler(IPseudoLabeler innerLabeler)
    {
        ArgumentNullException.ThrowIfNull(innerLabeler);
        InnerLabeler = innerLabeler;
    }

    /// <summary>The labeler calls are passed to.</summary>
    protected IPseudoLabeler InnerLabeler { get; }

    /// <inheritdoc />
    public virtual Task<IReadOnlyList<PseudoLabelResult>> LabelAsync(
        IReadOnlyList<LabelingItem> items, CancellationToken cancellationToken = default) =>
        InnerLabeler.LabelAsync(items, cancellationToken);

    /// <summary>Disposes the decorator and, when it is disposable, the inner labeler.</summary>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Disposes the inner labeler when <paramref name="disposing"/> is <see langword="true"/>.</summary>
    /// <param name="disposing"><see langword="true"/> when called from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing && InnerLabeler is IDisposable disposable)
        {
            disposable.Dispose();
        }
    }
}
