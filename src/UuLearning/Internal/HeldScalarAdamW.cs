using TorchSharp;
using static TorchSharp.torch;

namespace UuLearning.Internal;

/// <summary>
/// AdamW in torch's formulation (decoupled weight decay, bias-corrected moments, epsilon added to the corrected root)
/// for the parameters of one module, with every per-step number passed to libtorch as a <see cref="Scalar"/> created
/// and disposed around the call. <c>torch.optim.AdamW</c> in TorchSharp passes its per-step numbers as implicitly
/// converted scalars, which a garbage collection on another thread can free while libtorch reads them (see
/// <see cref="TorchScalars"/>): it failed once in an evaluation run with a c10 check in <c>AdamW.step</c>.
/// </summary>
internal sealed class HeldScalarAdamW : IDisposable
{
    private const double Beta1 = 0.9;
    private const double Beta2 = 0.999;
    private readonly Tensor[] _parameters;
    private readonly Tensor[] _firstMoment;
    private readonly Tensor[] _secondMoment;
    private readonly double _weightDecay;
    private long _step;

    /// <param name="parameters">The parameters (not owned).</param>
    /// <param name="learningRate">The initial learning rate.</param>
    /// <param name="weightDecay">The decoupled weight decay.</param>
    public HeldScalarAdamW(IEnumerable<Tensor> parameters, double learningRate, double weightDecay)
    {
        _parameters = parameters.ToArray();
        using var noGrad = torch.no_grad();
        _firstMoment = _parameters.Select(p => torch.zeros_like(p)).ToArray();
        _secondMoment = _parameters.Select(p => torch.zeros_like(p)).ToArray();
        LearningRate = learningRate;
        _weightDecay = weightDecay;
    }

    /// <summary>The learning rate of the next step.</summary>
    public double LearningRate { get; set; }

    /// <summary>Clears the parameters' gradients.</summary>
    public void ZeroGrad()
    {
        foreach (var p in _parameters)
        {
            using var grad = p.grad;
            grad?.zero_();
        }
    }

    /// <summary>One step on the parameters that have a gradient.</summary>
    public void Step()
    {
        _step++;
        double lr = LearningRate;
        using var noGrad = torch.no_grad();
        using var decay = (1 - (lr * _weightDecay)).ToScalar();
        using var beta1 = Beta1.ToScalar();
        using var oneMinusBeta1 = (1 - Beta1).ToScalar();
        using var beta2 = Beta2.ToScalar();
        using var oneMinusBeta2 = (1 - Beta2).ToScalar();
        using var secondCorrectionRoot = Math.Sqrt(1 - Math.Pow(Beta2, _step)).ToScalar();
        using var negativeStepSize = (-lr / (1 - Math.Pow(Beta1, _step))).ToScalar();
        for (int j = 0; j < _parameters.Length; j++)
        {
            using var scope = NewDisposeScope();
            var p = _parameters[j];
            var grad = p.grad;
            if (grad is null)
            {
                continue;
            }
            p.mul_(decay);
            _firstMoment[j].mul_(beta1).add_(grad, oneMinusBeta1);
            _secondMoment[j].mul_(beta2).addcmul_(grad, grad, oneMinusBeta2);
            var denom = _secondMoment[j].sqrt().div_(secondCorrectionRoot).add_(TorchScalars.AdamEpsilon, TorchScalars.One);
            p.addcdiv_(_firstMoment[j], denom, negativeStepSize);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var t in _firstMoment.Concat(_secondMoment))
        {
            t.Dispose();
        }
    }
}
