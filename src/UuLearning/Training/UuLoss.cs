using TorchSharp;
using static TorchSharp.torch;

namespace UuLearning;

/// <summary>
/// The unbiased UU risk (Lu et al., ICLR 2019) as a TorchSharp loss module:
/// <c>a R_p^+ - b R_p^- - c R_n^+ + d R_n^-</c>. It can go negative when a flexible scorer overfits; the paper's
/// <see cref="RobustUuLoss"/> corrects that. Kept for ablations.
/// </summary>
/// <remarks>Immutable; no parameters. See <see cref="UuRiskFunctions"/> for input conventions.</remarks>
public sealed class UuLoss : nn.Module<Tensor, Tensor, Tensor>
{
    /// <summary>Creates the loss.</summary>
    /// <param name="priors">The class priors.</param>
    /// <param name="surrogate">The surrogate loss (default sigmoid).</param>
    /// <exception cref="ArgumentNullException"><paramref name="priors"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The surrogate is unknown.</exception>
    public UuLoss(ClassPriors priors, SurrogateLoss surrogate = SurrogateLoss.Sigmoid)
        : base(nameof(UuLoss))
    {
        ArgumentNullException.ThrowIfNull(priors);
        UuRiskFunctions.ValidateSurrogate(surrogate, nameof(surrogate));
        Priors = priors;
        Surrogate = surrogate;
    }

    /// <summary>The class priors.</summary>
    public ClassPriors Priors { get; }

    /// <summary>The surrogate loss.</summary>
    public SurrogateLoss Surrogate { get; }

    /// <summary>Computes the risk (call through <c>loss.call(scores, isPseudoPositive)</c>).</summary>
    /// <param name="scores">Scores, shape [B].</param>
    /// <param name="isPseudoPositive">Set membership, shape [B].</param>
    /// <returns>A scalar tensor.</returns>
    public override Tensor forward(Tensor scores, Tensor isPseudoPositive) =>
        UuRiskFunctions.Compute(scores, isPseudoPositive, Priors, Surrogate, UuRiskFunctions.RiskKind.Uu, 0);
}
