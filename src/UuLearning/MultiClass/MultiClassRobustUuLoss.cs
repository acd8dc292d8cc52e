using TorchSharp;
using static TorchSharp.torch;

namespace UuLearning;

/// <summary>
/// The K-class robust UU risk as a TorchSharp loss module: <c>sum_j f(pi_j sum_i (Theta^-1)[j, i] R[i, j])</c>, the
/// binary <see cref="RobustUuLoss"/> generalised to K pseudo-labeled sets (and equal to it for K = 2).
/// </summary>
/// <remarks>Call it with logits [B, K] and integer pseudo-labels [B]; see <see cref="MultiClassRiskFunctions"/>.
/// Immutable; no parameters.</remarks>
public sealed class MultiClassRobustUuLoss : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly double[,] _inverse;

    /// <summary>Creates the loss.</summary>
    /// <param name="priors">Theta and pi.</param>
    /// <param name="lambda">Negative slope of the leaky correction (default -0.001, the paper's).</param>
    /// <param name="surrogate">The surrogate (default <c>1 - softmax</c>, the binary default's K-class form).</param>
    /// <exception cref="ArgumentNullException"><paramref name="priors"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="lambda"/> is not negative, or the surrogate is unknown.</exception>
    public MultiClassRobustUuLoss(MultiClassPriors priors, double lambda = UuRiskFunctions.DefaultLambda, SurrogateLoss surrogate = SurrogateLoss.Sigmoid)
        : base(nameof(MultiClassRobustUuLoss))
    {
        ArgumentNullException.ThrowIfNull(priors);
        UuRiskFunctions.ValidateLambda(lambda, nameof(lambda));
        UuRiskFunctions.ValidateSurrogate(surrogate, nameof(surrogate));
        Priors = priors;
        Lambda = lambda;
        Surrogate = surrogate;
        _inverse = priors.InverseTheta();
    }

    /// <summary>The priors.</summary>
    public MultiClassPriors Priors { get; }

    /// <summary>The negative slope of the leaky correction.</summary>
    public double Lambda { get; }

    /// <summary>The surrogate loss.</summary>
    public SurrogateLoss Surrogate { get; }

    /// <summary>Computes the risk (call through <c>loss.call(logits, pseudoClass)</c>).</summary>
    /// <param name="logits">Scores [B, K].</param>
    /// <param name="pseudoClass">Integer set membership [B].</param>
    /// <returns>A scalar tensor.</returns>
    public override Tensor forward(Tensor logits, Tensor pseudoClass) =>
        MultiClassRiskFunctions.Compute(logits, pseudoClass, _inverse, Priors.Pi, Surrogate, robust: true, Lambda);
}
