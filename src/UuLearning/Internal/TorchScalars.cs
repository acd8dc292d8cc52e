using TorchSharp;

namespace UuLearning.Internal;

/// <summary>
/// Scalars held for the life of the process, for the training loop's per-step calls.
/// </summary>
/// <remarks>
/// TorchSharp turns a number passed where it wants a <see cref="Scalar"/> (including the implicit <c>alpha = 1</c> of
/// <c>add_(Tensor)</c>, <c>sub_</c> and the <c>+</c>/<c>-</c> operators) into a <see cref="Scalar"/> object with a
/// finalizer and passes only its native handle on. Nothing keeps that object alive during the native call, so a garbage
/// collection on another thread can finalize it, and free the native value, while libtorch still reads it: the call then
/// fails with "Expected false to be true" from <c>c10::Scalar::toDouble</c> (reproduced in a loop with a second thread
/// forcing collections; seen under load in the test suite). Static scalars are never collected, and per-call values are
/// created explicitly and disposed after the call (<c>using var</c>), which keeps them alive until then.
/// </remarks>
internal static class TorchScalars
{
    /// <summary>1, the default <c>alpha</c> of TorchSharp's additions.</summary>
    internal static readonly Scalar One = 1.ToScalar();

    /// <summary>-1: <c>a.add_(b, MinusOne)</c> is <c>a - b</c>, bit for bit.</summary>
    internal static readonly Scalar MinusOne = (-1).ToScalar();

    /// <summary>AdamW's epsilon (torch's default, 1e-8).</summary>
    internal static readonly Scalar AdamEpsilon = 1e-8.ToScalar();
}
