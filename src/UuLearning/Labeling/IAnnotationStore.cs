namespace UuLearning;

/// <summary>
/// Durable record of the annotations a labeler has paid for, so that a crashed or canceled run resumes without paying twice.
/// </summary>
/// <remarks>
/// <para>
/// Annotations are grouped by a key space: a hash of everything that shapes an answer (prompt, model, options), computed
/// by the labeler. Within a key space an annotation is found by its item id. Changing the prompt changes the key space, so
/// old annotations are kept but no longer reused.
/// </para>
/// <para>Implementations must be safe for concurrent <see cref="AppendAsync"/> calls from several threads.</para>
/// </remarks>
public interface IAnnotationStore
{
    /// <summary>Reads the annotations stored under a key space.</summary>
    /// <param name="keySpace">The key space (an opaque string from the labeler).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The stored annotations by item id. When an id was stored more than once, the last one wins.</returns>
    Task<IReadOnlyDictionary<string, PseudoLabelResult>> LoadAsync(string keySpace, CancellationToken cancellationToken = default);

    /// <summary>Appends one annotation durably enough to survive the process being killed once the call returns.</summary>
    /// <param name="keySpace">The key space (an opaque string from the labeler).</param>
    /// <param name="result">The annotation.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the annotation is written.</returns>
    Task AppendAsync(string keySpace, PseudoLabelResult result, CancellationToken cancellationToken = default);
}
