using TorchSharp;
using static TorchSharp.torch;

namespace UuLearning;

/// <summary>
/// The PN risk on pseudo-labels, <c>pi R_p^+ + (1 - pi) R_n^-</c>, as a TorchSharp loss module: trains as if the
/// pseudo-labels were true. The paper's baseline; it fails under heavy label noise.
/// </summary>
/// <remarks>Immutable; no parameters. See <see cref="UuRiskFunctions"/> for input conventions.</remarks>
public sealed class PnLoss : nn.Module<Tensor, Tensor, Tensor>
{
    /// <summary>Creates the loss.</summary>
    /// <param name="pi">The weight of the positive part, in [0, 1] (for example the pseudo-positive share, or the class prior).</param>
    /// <param name="surrogate">The surrogate loss (default sigmoid).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="pi"/> is outside [0, 1], or the surrogate is unknown.</exception>
    public PnLoss(double pi, SurrogateLoss surrogate = SurrogateLoss.Sigmoid)
        : base(nameof(PnLoss))
    {
        if (!double.IsFinite(pi) || pi < 0 || pi > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(pi), pi, "pi must be a probability in [0, 1].");
        }
        UuRiskFunctions.ValidateSurrogate(surrogate, nameof(surrogate));
        Pi = pi;
        Surrogate = surrogate;
    }

    /// <summary>The weight of the positive part.</summary>
    public double Pi { get; }

    /// <summary>The surrogate loss.</summary>
    public SurrogateLoss Surrogate { get; }

    /// <summary>Computes the risk (call through <c>loss.call(scores, isPseudoPositive)</c>).</summary>
    /// <param name="scores">Scores, shape [B].</param>
    /// <param name="isPseudoPositive">Set membership, shape [B].</param>
    /// <returns>A scalar tensor.</returns>
    public override Tensor forward(Tensor scores, Tensor isPseudoPositive) =>
        UuRiskFunctions.PnRisk(scores, isPseudoPositive, Pi, Surrogate);
}
