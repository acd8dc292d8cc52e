using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace UuLearning;

/// <summary>
/// The K-class UU risk family as plain functions over tensors: the robust risk (a leaky correction per class, as the
/// binary robust UU risk does with its two brackets), the unbiased risk, and the PN risk on pseudo-labels.
/// <see cref="MultiClassRobustUuLoss"/> calls these.
/// </summary>
/// <remarks>
/// <para>Inputs: <c>logits</c>, a floating-point tensor [B, K] (a softmax scorer's output), and <c>pseudoClass</c>, an
/// integer tensor [B] with each item's pseudo-labeled set (a class index in [0, K)). With <c>l(f(x), j)</c> the surrogate
/// loss of predicting class j, <c>R[i, j]</c> = mean over the batch's items of set U_i of <c>l(f(x), j)</c>, and
/// <c>W = Theta^-1</c>, class j's partial risk is <c>P_j = pi_j sum_i W[j, i] R[i, j]</c>, an unbiased estimate of
/// <c>pi_j E_pj[l(f(x), j)]</c> because <c>p_j = sum_i W[j, i] p_Ui</c>. The unbiased risk is <c>sum_j P_j</c>; the robust
/// risk is <c>sum_j f(P_j)</c> with <c>f(x) = x</c> for x &gt;= 0 and <c>lambda x</c> otherwise; the PN risk is
/// <c>sum_j pi_j R[j, j]</c> (Theta = identity).</para>
/// <para>Surrogates: <see cref="SurrogateLoss.Logistic"/> is the cross-entropy <c>-log softmax(f)_j</c>;
/// <see cref="SurrogateLoss.Sigmoid"/> is <c>1 - softmax(f)_j</c>. With K = 2, class 0 negative and class 1 positive and
/// the binary score <c>g = f_1 - f_0</c>, these are exactly the binary logistic and sigmoid losses, and every risk here
/// equals its binary counterpart in <see cref="UuRiskFunctions"/> with the priors of <see cref="MultiClassPriors.FromBinary"/>.</para>
/// <para>A set absent from a batch contributes zero (as in the binary functions); trainers draw batches holding every
/// set. The result is a fresh scalar of the logits' dtype; inputs are neither modified nor disposed.</para>
/// </remarks>
public static class MultiClassRiskFunctions
{
    /// <summary>The robust K-class UU risk <c>sum_j f(P_j)</c>.</summary>
    /// <param name="logits">Scores [B, K], floating point.</param>
    /// <param name="pseudoClass">Set membership [B], integer class indices in [0, K).</param>
    /// <param name="priors">Theta and pi.</param>
    /// <param name="lambda">Negative slope of f, below 0 (default <see cref="UuRiskFunctions.DefaultLambda"/>).</param>
    /// <param name="surrogate">The surrogate (default <c>1 - softmax</c>, the binary default's K-class form).</param>
    /// <returns>A scalar tensor.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">Shapes or dtypes do not fit, or K differs from the priors'.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="lambda"/> is not negative and finite, or the surrogate is unknown.</exception>
    public static Tensor RobustUuRisk(Tensor logits, Tensor pseudoClass, MultiClassPriors priors,
        double lambda = UuRiskFunctions.DefaultLambda, SurrogateLoss surrogate = SurrogateLoss.Sigmoid)
    {
        ArgumentNullException.ThrowIfNull(priors);
        UuRiskFunctions.ValidateLambda(lambda, nameof(lambda));
        return Compute(logits, pseudoClass, priors.InverseTheta(), priors.Pi, surrogate, robust: true, lambda);
    }

    /// <summary>The unbiased K-class UU risk <c>sum_j P_j</c>.</summary>
    /// <param name="logits">Scores [B, K].</param>
    /// <param name="pseudoClass">Set membership [B].</param>
    /// <param name="priors">Theta and pi.</param>
    /// <param name="surrogate">The surrogate (default <c>1 - softmax</c>, the binary default's K-class form).</param>
    /// <returns>A scalar tensor.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">Shapes or dtypes do not fit.</exception>
    public static Tensor UuRisk(Tensor logits, Tensor pseudoClass, MultiClassPriors priors, SurrogateLoss surrogate = SurrogateLoss.Sigmoid)
    {
        ArgumentNullException.ThrowIfNull(priors);
        return Compute(logits, pseudoClass, priors.InverseTheta(), priors.Pi, surrogate, robust: false, 0);
    }

    /// <summary>The PN risk on pseudo-labels <c>sum_j pi_j R[j, j]</c>: training as if the pseudo-labels were true.</summary>
    /// <param name="logits">Scores [B, K].</param>
    /// <param name="pseudoClass">Set membership [B].</param>
    /// <param name="pi">Class weights, K probabilities summing to 1.</param>
    /// <param name="surrogate">The surrogate (default <c>1 - softmax</c>, the binary default's K-class form).</param>
    /// <returns>A scalar tensor.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">Shapes or dtypes do not fit, or <paramref name="pi"/> is not a distribution.</exception>
    public static Tensor PnRisk(Tensor logits, Tensor pseudoClass, IReadOnlyList<double> pi, SurrogateLoss surrogate = SurrogateLoss.Sigmoid)
    {
        var priors = MultiClassPriors.Supervised(pi);
        return Compute(logits, pseudoClass, priors.InverseTheta(), priors.Pi, surrogate, robust: false, 0);
    }

    /// <summary>The per-class partial risks <c>P_j</c> (shape [K]), for diagnostics and tests.</summary>
    internal static Tensor PartialRisks(Tensor logits, Tensor pseudoClass, double[,] inverseTheta, IReadOnlyList<double> pi, SurrogateLoss surrogate)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(pseudoClass);
        Validate(logits, pseudoClass, pi.Count, surrogate);
        using var scope = NewDisposeScope();
        int k = pi.Count;
        var dtype = logits.dtype;
        // L[b, j] = l(f(x_b), j)
        var loss = surrogate == SurrogateLoss.Logistic
            ? -nn.functional.log_softmax(logits, 1)
            : 1 - nn.functional.softmax(logits, 1);
        var oneHot = nn.functional.one_hot(pseudoClass.to_type(ScalarType.Int64), k).to_type(dtype);
        var counts = oneHot.sum(dim: 0).clamp_min(1);
        var setRisk = oneHot.t().matmul(loss) / counts.unsqueeze(1); // R[i, j]
        var flat = new double[k * k];
        for (int j = 0; j < k; j++)
        {
            for (int i = 0; i < k; i++)
            {
                flat[j * k + i] = inverseTheta[j, i];
            }
        }
        var w = torch.tensor(flat, new long[] { k, k }, dtype, logits.device); // W[j, i]
        var weights = torch.tensor(pi.ToArray(), dtype, logits.device);
        var partial = weights * (w * setRisk.t()).sum(1);
        return partial.MoveToOuterDisposeScope();
    }

    internal static Tensor Compute(Tensor logits, Tensor pseudoClass, double[,] inverseTheta, IReadOnlyList<double> pi, SurrogateLoss surrogate, bool robust, double lambda)
    {
        using var scope = NewDisposeScope();
        var partial = PartialRisks(logits, pseudoClass, inverseTheta, pi, surrogate);
        var result = robust ? torch.where(partial.ge(0), partial, partial * lambda).sum() : partial.sum();
        return result.MoveToOuterDisposeScope();
    }

    private static void Validate(Tensor logits, Tensor pseudoClass, int k, SurrogateLoss surrogate)
    {
        UuRiskFunctions.ValidateSurrogate(surrogate, nameof(surrogate));
        if (logits.dim() != 2 || pseudoClass.dim() != 1 || logits.shape[0] != pseudoClass.shape[0] || logits.shape[1] != k)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"logits must have shape [B, K] with K = {k} (the priors' class count) and pseudoClass shape [B]; got logits [{string.Join(", ", logits.shape)}] and pseudoClass [{string.Join(", ", pseudoClass.shape)}]."),
                nameof(pseudoClass));
        }
        if (!torch.is_floating_point(logits))
        {
            throw new ArgumentException($"logits must be a floating-point tensor; got {logits.dtype}.", nameof(logits));
        }
        if (torch.is_floating_point(pseudoClass) || torch.is_complex(pseudoClass) || pseudoClass.dtype == ScalarType.Bool)
        {
            throw new ArgumentException($"pseudoClass must hold integer class indices; got {pseudoClass.dtype}.", nameof(pseudoClass));
        }
    }
}
