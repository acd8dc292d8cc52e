using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;
using UuLearning.Internal;

namespace UuLearning;

/// <summary>
/// The UU risk family as plain functions over tensors: the robust UU risk (the paper's), the unbiased UU risk
/// (Lu et al., 2019) and the PN risk on pseudo-labels. The loss modules <see cref="RobustUuLoss"/>, <see cref="UuLoss"/>
/// and <see cref="PnLoss"/> call these.
/// </summary>
/// <remarks>
/// <para>Inputs: <c>scores</c>, a floating-point tensor of shape [B] (the scorer's output g(x)), and
/// <c>isPseudoPositive</c>, a tensor of the same shape, boolean or numeric, non-zero where the item belongs to the
/// pseudo-positive set U_p and zero where it belongs to U_n. The result is a fresh scalar tensor of the scores' dtype on
/// the scores' device; the inputs are neither modified nor disposed.</para>
/// <para>Partial risks are means over each set within the batch: <c>R_p^+ = mean over U_p of l(g)</c>,
/// <c>R_p^- = mean over U_p of l(-g)</c>, and likewise over U_n. A batch that holds items of only one set has no estimate
/// for the other set's partial risks; they are then taken as 0 (no host synchronisation is done to detect it), so the
/// batch's value contains only the present set's terms. Trainers should therefore draw batches holding both sets, as
/// <c>UuTrainer</c> does.</para>
/// <para>All functions are thread-safe as far as TorchSharp tensors are (do not share one tensor across threads while
/// another thread mutates it).</para>
/// </remarks>
public static class UuRiskFunctions
{
    /// <summary>The paper's value of the robust risk's negative slope: -0.001.</summary>
    public const double DefaultLambda = -0.001;

    /// <summary>
    /// The robust UU risk <c>f(a R_p^+ - c R_n^+) + f(d R_n^- - b R_p^-)</c> with the generalized leaky ReLU
    /// <c>f(x) = x</c> for x &gt;= 0 and <c>lambda x</c> for x &lt; 0.
    /// </summary>
    /// <param name="scores">Scores g(x), shape [B], floating point.</param>
    /// <param name="isPseudoPositive">Set membership, shape [B], boolean or numeric (non-zero = U_p).</param>
    /// <param name="priors">The class priors giving the coefficients a, b, c, d.</param>
    /// <param name="lambda">Negative slope of f, below 0 (default <see cref="DefaultLambda"/>).</param>
    /// <param name="surrogate">The surrogate loss (default sigmoid).</param>
    /// <returns>A scalar tensor.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The shapes differ or are not 1-D, or a dtype is unsupported.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="lambda"/> is not negative and finite.</exception>
    public static Tensor RobustUuRisk(Tensor scores, Tensor isPseudoPositive, ClassPriors priors,
        double lambda = DefaultLambda, SurrogateLoss surrogate = SurrogateLoss.Sigmoid)
    {
        ArgumentNullException.ThrowIfNull(priors);
        ValidateLambda(lambda, nameof(lambda));
        return Compute(scores, isPseudoPositive, priors, surrogate, RiskKind.RobustUu, lambda);
    }

    /// <summary>The unbiased UU risk <c>a R_p^+ - b R_p^- - c R_n^+ + d R_n^-</c>.</summary>
    /// <param name="scores">Scores g(x), shape [B], floating point.</param>
    /// <param name="isPseudoPositive">Set membership, shape [B], boolean or numeric (non-zero = U_p).</param>
    /// <param name="priors">The class priors giving the coefficients a, b, c, d.</param>
    /// <param name="surrogate">The surrogate loss (default sigmoid).</param>
    /// <returns>A scalar tensor.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The shapes differ or are not 1-D, or a dtype is unsupported.</exception>
    public static Tensor UuRisk(Tensor scores, Tensor isPseudoPositive, ClassPriors priors, SurrogateLoss surrogate = SurrogateLoss.Sigmoid)
    {
        ArgumentNullException.ThrowIfNull(priors);
        return Compute(scores, isPseudoPositive, priors, surrogate, RiskKind.Uu, 0);
    }

    /// <summary>
    /// The PN risk on pseudo-labels, <c>pi R_p^+ + (1 - pi) R_n^-</c>: training as if the pseudo-labels were true
    /// (the paper's baseline).
    /// </summary>
    /// <param name="scores">Scores g(x), shape [B], floating point.</param>
    /// <param name="isPseudoPositive">Set membership, shape [B], boolean or numeric (non-zero = U_p).</param>
    /// <param name="pi">The weight of the positive part, in [0, 1].</param>
    /// <param name="surrogate">The surrogate loss (default sigmoid).</param>
    /// <returns>A scalar tensor.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The shapes differ or are not 1-D, or a dtype is unsupported.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="pi"/> is outside [0, 1].</exception>
    public static Tensor PnRisk(Tensor scores, Tensor isPseudoPositive, double pi, SurrogateLoss surrogate = SurrogateLoss.Sigmoid)
    {
        if (!double.IsFinite(pi) || pi < 0 || pi > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(pi), pi, "pi must be a probability in [0, 1].");
        }
        return Compute(scores, isPseudoPositive, ClassPriors.Supervised(pi), surrogate, RiskKind.Pn, 0);
    }

    internal static void ValidateLambda(double lambda, string paramName)
    {
        if (!double.IsFinite(lambda) || lambda >= 0)
        {
            throw new ArgumentOutOfRangeException(paramName, lambda,
                string.Create(CultureInfo.InvariantCulture, $"lambda must be negative and finite (the paper uses {DefaultLambda}); got {lambda}."));
        }
    }

    internal static void ValidateSurrogate(SurrogateLoss surrogate, string paramName)
    {
        if (!Enum.IsDefined(surrogate))
        {
            throw new ArgumentOutOfRangeException(paramName, surrogate, "Unknown surrogate loss; use Sigmoid or Logistic.");
        }
    }

    internal enum RiskKind
    {
        RobustUu,
        Uu,
        Pn,
    }

    internal static Tensor Compute(Tensor scores, Tensor isPseudoPositive, ClassPriors priors, SurrogateLoss surrogate, RiskKind kind, double lambda)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(isPseudoPositive);
        Validate(scores, isPseudoPositive, surrogate);

        using var scope = NewDisposeScope();
        var m = isPseudoPositive.dtype == ScalarType.Bool ? isPseudoPositive.to_type(scores.dtype) : isPseudoPositive.ne(0).to_type(scores.dtype);
        return ComputeMasked(scores, m, m.neg().add_(TorchScalars.One, TorchScalars.One), priors, surrogate, kind, lambda).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The risk of each row of <paramref name="scores"/> ([..., B]; one risk per leading index, reducing the last
    /// dimension) with the sets given as 0/1 weights of the scores' dtype: <paramref name="inPositiveSet"/> marks U_p,
    /// <paramref name="inNegativeSet"/> U_n; an item with both 0 (padding, or another fold's item) does not count.
    /// </summary>
    internal static Tensor ComputeMasked(Tensor scores, Tensor inPositiveSet, Tensor inNegativeSet, ClassPriors priors, SurrogateLoss surrogate, RiskKind kind, double lambda)
    {
        using var scope = NewDisposeScope();
        var m = inPositiveSet;
        var mn = inNegativeSet;
        // Empty set in the batch: clamp the count to 1 so its (zero) sum gives a zero mean instead of NaN.
        var nP = m.sum(-1).clamp_min(TorchScalars.One);
        var nN = mn.sum(-1).clamp_min(TorchScalars.One);
        // Scalars made here and disposed on return, never left to the finalizer (see Internal/TorchScalars.cs).
        using var sPi = priors.Pi.ToScalar();
        using var sNotPi = (1 - priors.Pi).ToScalar();
        using var sA = priors.A.ToScalar();
        using var sB = priors.B.ToScalar();
        using var sC = priors.C.ToScalar();
        using var sD = priors.D.ToScalar();
        using var sLambda = lambda.ToScalar();

        // l(g): loss of being scored as positive; l(-g): loss of being scored as negative.
        Tensor lPos, lNeg;
        if (surrogate == SurrogateLoss.Sigmoid)
        {
            lPos = torch.sigmoid(-scores);
            lNeg = torch.sigmoid(scores);
        }
        else
        {
            lPos = nn.functional.softplus(-scores);
            lNeg = nn.functional.softplus(scores);
        }

        Tensor result;
        switch (kind)
        {
            case RiskKind.Pn:
            {
                var rpPos = (m * lPos).sum(-1) / nP;
                var rnNeg = (mn * lNeg).sum(-1) / nN;
                result = rpPos.mul(sPi).add_(rnNeg.mul(sNotPi), TorchScalars.One);
                break;
            }
            default:
            {
                var rpPos = (m * lPos).sum(-1) / nP;
                var rpNeg = (m * lNeg).sum(-1) / nP;
                var rnPos = (mn * lPos).sum(-1) / nN;
                var rnNeg = (mn * lNeg).sum(-1) / nN;
                var positivePart = rpPos.mul(sA).add_(rnPos.mul(sC), TorchScalars.MinusOne);
                var negativePart = rnNeg.mul(sD).add_(rpNeg.mul(sB), TorchScalars.MinusOne);
                result = kind == RiskKind.Uu
                    ? positivePart.add(negativePart, TorchScalars.One)
                    : LeakyRelu(positivePart, sLambda).add_(LeakyRelu(negativePart, sLambda), TorchScalars.One);
                break;
            }
        }
        return result.MoveToOuterDisposeScope();
    }

    private static Tensor LeakyRelu(Tensor x, Scalar lambda) => torch.where(x.ge(Zero), x, x.mul(lambda));

    private static readonly Scalar Zero = 0.ToScalar();

    private static void Validate(Tensor scores, Tensor isPseudoPositive, SurrogateLoss surrogate)
    {
        ValidateSurrogate(surrogate, nameof(surrogate));
        if (scores.dim() != 1 || !scores.shape.SequenceEqual(isPseudoPositive.shape))
        {
            throw new ArgumentException(
                $"scores must have shape [B] and isPseudoPositive the same shape; got scores [{string.Join(", ", scores.shape)}] and isPseudoPositive [{string.Join(", ", isPseudoPositive.shape)}].",
                nameof(isPseudoPositive));
        }
        if (!torch.is_floating_point(scores))
        {
            throw new ArgumentException($"scores must be a floating-point tensor (float32 or float64); got {scores.dtype}.", nameof(scores));
        }
        if (torch.is_complex(isPseudoPositive))
        {
            throw new ArgumentException($"isPseudoPositive must be a boolean or real 0/1 tensor; got {isPseudoPositive.dtype}.", nameof(isPseudoPositive));
        }
    }
}
