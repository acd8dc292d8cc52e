using TorchSharp;
using static TorchSharp.torch;

namespace UuLearning;

/// <summary>
/// The robust UU risk of the paper as a TorchSharp loss module:
/// <c>f(a R_p^+ - c R_n^+) + f(d R_n^- - b R_p^-)</c>, with <c>f(x) = x</c> for x &gt;= 0 and <c>lambda x</c> otherwise.
/// </summary>
/// <remarks>
/// Call it with the scores (shape [B]) and a same-shaped boolean or 0/1 tensor marking the pseudo-positive items; it
/// returns a fresh scalar. See <see cref="UuRiskFunctions"/> for the batch semantics (a set absent from a batch
/// contributes zero). Instances are immutable; the module has no parameters.
/// </remarks>
public sealed class RobustUuLoss : nn.Module<Tensor, Tensor, Tensor>
{
    /// <summary>Creates the loss.</summary>
    /// <param name="priors">The class priors.</param>
    /// <param name="lambda">Negative slope of f, below 0 (default -0.001, the paper's).</param>
    /// <param name="surrogate">The surrogate loss (default sigmoid).</param>
    /// <exception cref="ArgumentNullException"><paramref name="priors"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="lambda"/> is not negative, or the surrogate is unknown.</exception>
    public RobustUuLoss(ClassPriors priors, double lambda = UuRiskFunctions.DefaultLambda, SurrogateLoss surrogate = SurrogateLoss.Sigmoid)
        : base(nameof(RobustUuLoss))
    {
        ArgumentNullException.ThrowIfNull(priors);
        UuRiskFunctions.ValidateLambda(lambda, nameof(lambda));
        UuRiskFunctions.ValidateSurrogate(surrogate, nameof(surrogate));
        Priors = priors;
        Lambda = lambda;
        Surrogate = surrogate;
    }

    /// <summary>The class priors.</summary>
    public ClassPriors Priors { get; }

    /// <summary>The negative slope of the generalized leaky ReLU.</summary>
    public double Lambda { get; }

    /// <summary>The surrogate loss.</summary>
    public SurrogateLoss Surrogate { get; }

    /// <summary>Computes the risk (TorchSharp's module entry point; call through <c>loss.call(scores, isPseudoPositive)</c>).</summary>
    /// <param name="scores">Scores, shape [B].</param>
    /// <param name="isPseudoPositive">Set membership, shape [B].</param>
    /// <returns>A scalar tensor.</returns>
    public override Tensor forward(Tensor scores, Tensor isPseudoPositive) =>
        UuRiskFunctions.Compute(scores, isPseudoPositive, Priors, Surrogate, UuRiskFunctions.RiskKind.RobustUu, Lambda);
}
