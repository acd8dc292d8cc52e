namespace UuLearning;

/// <summary>
/// Gives each item of a corpus a weak label: positive, negative, or an abstention (step 1 of the method).
/// </summary>
/// <remarks>
/// <para>
/// Implementations return exactly one <see cref="PseudoLabelResult"/> per input item, in input order, with the same
/// <see cref="LabelingItem.Id"/>. An item the labeler could not label is returned as <see cref="PseudoLabel.Abstained"/>
/// (with <see cref="PseudoLabelResult.Outcome"/> saying why), never dropped and never guessed.
/// </para>
/// <para>
/// Thread safety: the implementations in this library are safe to call concurrently from several threads; each call
/// is an independent run. Decorators built on <see cref="DelegatingPseudoLabeler"/> should keep that guarantee.
/// </para>
/// </remarks>
public interface IPseudoLabeler
{
    /// <summary>Labels a list of items.</summary>
    /// <param name="items">The items to label. Their ids must be unique.</param>
    /// <param name="cancellationToken">Cancels the run. Work already finished may have been recorded (see <see cref="IAnnotationStore"/>).</param>
    /// <returns>One result per item, in the order of <paramref name="items"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="items"/> is null or holds a null item.</exception>
    /// <exception cref="ArgumentException">Two items share an id.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    Task<IReadOnlyList<PseudoLabelResult>> LabelAsync(IReadOnlyList<LabelingItem> items, CancellationToken cancellationToken = default);
}
