using System.Numerics;

namespace UuLearning;

/// <summary>
/// AdamW in torch's formulation (as <see cref="StackedScorers.Step"/> and <c>HeldScalarAdamW</c> compute it) over plain
/// arrays, for the managed engines: decoupled weight decay <c>p *= 1 - lr wd</c>, then
/// <c>p -= lr / (1 - beta1^t) m / (sqrt(v) / sqrt(1 - beta2^t) + eps)</c>, beta1 0.9, beta2 0.999, eps 1e-8.
/// </summary>
internal static class ManagedAdamW
{
    private const double Beta1 = 0.9;
    private const double Beta2 = 0.999;
    private const double Epsilon = 1e-8;

    /// <summary>One step on parameters <paramref name="p"/> with moments <paramref name="m"/>, <paramref name="v"/> and
    /// gradient <paramref name="grad"/> (same lengths); <paramref name="step"/> is 1-based, after this step.</summary>
    public static void Step(float[] p, float[] m, float[] v, float[] grad, double lr, long step, double weightDecay)
    {
        float decay = (float)(1 - (lr * weightDecay));
        float oneMinusBeta1 = (float)(1 - Beta1);
        float oneMinusBeta2 = (float)(1 - Beta2);
        float secondCorrection = (float)Math.Sqrt(1 - Math.Pow(Beta2, step));
        float stepSize = (float)(lr / (1 - Math.Pow(Beta1, step)));
        float eps = (float)Epsilon;
        int j = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var vDecay = new Vector<float>(decay);
            var vOneMinusBeta1 = new Vector<float>(oneMinusBeta1);
            var vOneMinusBeta2 = new Vector<float>(oneMinusBeta2);
            var vSecondCorrection = new Vector<float>(secondCorrection);
            var vStepSize = new Vector<float>(stepSize);
            var vEps = new Vector<float>(eps);
            for (; j <= p.Length - Vector<float>.Count; j += Vector<float>.Count)
            {
                var g = new Vector<float>(grad, j);
                var mj = new Vector<float>(m, j);
                var vj = new Vector<float>(v, j);
                mj += (g - mj) * vOneMinusBeta1;
                vj += ((g * g) - vj) * vOneMinusBeta2;
                var denom = (Vector.SquareRoot(vj) / vSecondCorrection) + vEps;
                var pj = (new Vector<float>(p, j) * vDecay) - (vStepSize * (mj / denom));
                mj.CopyTo(m, j);
                vj.CopyTo(v, j);
                pj.CopyTo(p, j);
            }
        }
        for (; j < p.Length; j++)
        {
            float g = grad[j];
            p[j] *= decay;
            m[j] += (g - m[j]) * oneMinusBeta1;
            v[j] += ((g * g) - v[j]) * oneMinusBeta2;
            float denom = (MathF.Sqrt(v[j]) / secondCorrection) + eps;
            p[j] -= stepSize * (m[j] / denom);
        }
    }
}
