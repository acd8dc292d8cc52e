using System.Globalization;
using MathNet.Numerics.LinearAlgebra;

namespace UuLearning;

/// <summary>
/// The class priors of K-class robust UU learning: the class-prior matrix <c>Theta[i, j] = P(y = j | pseudo-label = i)</c>
/// (row i describes the set U_i of items the labeler put in class i) and the class prior <c>pi[j] = P(y = j)</c>.
/// </summary>
/// <remarks>
/// <para>Each set's distribution is the mixture <c>p_Ui = sum_j Theta[i, j] p_j</c>, so with <c>W = Theta^-1</c> every
/// class-conditional distribution is a signed combination of set distributions, <c>p_j = sum_i W[j, i] p_Ui</c>. The risk
/// weights grow with <c>W</c>, that is with Theta's condition number: a nearly singular Theta (two pseudo-labeled sets
/// with nearly the same class mix) makes the problem ill-posed, as <c>thetaP</c> close to <c>thetaN</c> does for two
/// classes. The binary <see cref="ClassPriors"/> are the case K = 2 with class 0 the negative and class 1 the positive
/// class (<see cref="FromBinary"/>).</para>
/// <para>Immutable and thread-safe. The constructor copies its inputs.</para>
/// </remarks>
public sealed class MultiClassPriors
{
    /// <summary>The largest condition number the constructor accepts (1e6); estimators apply a stricter limit.</summary>
    public const double SingularConditionNumber = 1e6;

    private readonly double[,] _theta;
    private readonly double[] _pi;
    private readonly double[,] _inverse;

    /// <summary>Creates validated priors.</summary>
    /// <param name="theta">The K x K class-prior matrix; entries in [0, 1], every row summing to 1 (within 1e-6). K is at least 2.</param>
    /// <param name="pi">The K class priors; entries in [0, 1], summing to 1 (within 1e-6).</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">Theta is not square, K is below 2, <paramref name="pi"/> has the wrong length,
    /// a row or <paramref name="pi"/> does not sum to 1, or Theta is singular (condition number above <see cref="SingularConditionNumber"/>).</exception>
    /// <exception cref="ArgumentOutOfRangeException">An entry is not a finite probability.</exception>
    public MultiClassPriors(double[,] theta, IReadOnlyList<double> pi)
    {
        ArgumentNullException.ThrowIfNull(theta);
        ArgumentNullException.ThrowIfNull(pi);
        int k = theta.GetLength(0);
        if (k < 2 || theta.GetLength(1) != k)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"theta must be a square K x K matrix with K >= 2; got {theta.GetLength(0)} x {theta.GetLength(1)}."), nameof(theta));
        }
        if (pi.Count != k)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"pi has {pi.Count} entries but theta is {k} x {k}; give one prior per class."), nameof(pi));
        }
        const double tolerance = 1e-6;
        for (int i = 0; i < k; i++)
        {
            double row = 0;
            for (int j = 0; j < k; j++)
            {
                CheckUnit(theta[i, j], nameof(theta));
                row += theta[i, j];
            }
            if (Math.Abs(row - 1) > tolerance)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                    $"Row {i} of theta sums to {row:0.######}; each row is a distribution P(y | pseudo-label = {i}) and must sum to 1."), nameof(theta));
            }
        }
        double total = 0;
        foreach (double p in pi)
        {
            CheckUnit(p, nameof(pi));
            total += p;
        }
        if (Math.Abs(total - 1) > tolerance)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"pi sums to {total:0.######}; it must sum to 1."), nameof(pi));
        }

        (SmallestSingularValue, ConditionNumber) = Conditioning(theta);
        if (!(ConditionNumber <= SingularConditionNumber))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"theta is singular (condition number {ConditionNumber:G3}): two pseudo-labeled sets have the same class mix, so the class-conditional risks cannot be recovered."), nameof(theta));
        }
        _theta = (double[,])theta.Clone();
        _pi = pi.ToArray();
        _inverse = Matrix<double>.Build.DenseOfArray(theta).Inverse().ToArray();
    }

    /// <summary>The number of classes K.</summary>
    public int ClassCount => _pi.Length;

    /// <summary>The class priors <c>pi[j] = P(y = j)</c>.</summary>
    public IReadOnlyList<double> Pi => _pi;

    /// <summary>Theta's condition number (largest over smallest singular value); 1 for a clean labeler.</summary>
    public double ConditionNumber { get; }

    /// <summary>The smallest singular value of <paramref name="theta"/> and its condition number (largest over smallest
    /// singular value; infinite when singular), without refusing anything.</summary>
    internal static (double Smallest, double Condition) Conditioning(double[,] theta)
    {
        var singular = Matrix<double>.Build.DenseOfArray(theta).Svd(computeVectors: false).S;
        double smallest = singular.Minimum();
        return (smallest, smallest > 0 ? singular.Maximum() / smallest : double.PositiveInfinity);
    }

    /// <summary>Theta's smallest singular value. For K = 2 the product of the two singular values is <c>thetaP - thetaN</c>.</summary>
    public double SmallestSingularValue { get; }

    /// <summary><c>Theta[i, j] = P(y = j | pseudo-label = i)</c>.</summary>
    /// <param name="pseudoClass">The pseudo-label i.</param>
    /// <param name="trueClass">The true class j.</param>
    /// <returns>The probability.</returns>
    public double Theta(int pseudoClass, int trueClass) => _theta[pseudoClass, trueClass];

    /// <summary>A copy of Theta.</summary>
    /// <returns>A new K x K array.</returns>
    public double[,] ThetaMatrix() => (double[,])_theta.Clone();

    /// <summary>A copy of <c>Theta^-1</c>: entry [j, i] is the weight of set U_i's risk in class j's risk.</summary>
    /// <returns>A new K x K array.</returns>
    public double[,] InverseTheta() => (double[,])_inverse.Clone();

    /// <summary>The binary priors as K = 2 priors: class 0 is the negative class, class 1 the positive one.</summary>
    /// <param name="priors">The binary priors.</param>
    /// <returns><c>Theta = [[1 - thetaN, thetaN], [1 - thetaP, thetaP]]</c>, <c>pi = [1 - pi, pi]</c>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="priors"/> is null.</exception>
    public static MultiClassPriors FromBinary(ClassPriors priors)
    {
        ArgumentNullException.ThrowIfNull(priors);
        return new MultiClassPriors(
            new[,] { { 1 - priors.ThetaN, priors.ThetaN }, { 1 - priors.ThetaP, priors.ThetaP } },
            new[] { 1 - priors.Pi, priors.Pi });
    }

    /// <summary>Priors of the clean (supervised) problem: Theta is the identity.</summary>
    /// <param name="pi">The class priors, summing to 1.</param>
    /// <returns>Priors for which the UU risks equal the PN risk.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="pi"/> is null.</exception>
    public static MultiClassPriors Supervised(IReadOnlyList<double> pi)
    {
        ArgumentNullException.ThrowIfNull(pi);
        var identity = new double[pi.Count, pi.Count];
        for (int i = 0; i < pi.Count; i++)
        {
            identity[i, i] = 1;
        }
        return new MultiClassPriors(identity, pi);
    }

    /// <inheritdoc />
    public override string ToString()
    {
        var rows = Enumerable.Range(0, ClassCount).Select(i =>
            "[" + string.Join(", ", Enumerable.Range(0, ClassCount).Select(j => _theta[i, j].ToString("0.##", CultureInfo.InvariantCulture))) + "]");
        return string.Create(CultureInfo.InvariantCulture,
            $"Theta = [{string.Join(", ", rows)}], pi = [{string.Join(", ", _pi.Select(p => p.ToString("0.##", CultureInfo.InvariantCulture)))}], condition number {ConditionNumber:0.#}");
    }

    private static void CheckUnit(double value, string name)
    {
        if (!double.IsFinite(value) || value < 0 || value > 1)
        {
            throw new ArgumentOutOfRangeException(name, value, $"Every entry of {name} must be a probability in [0, 1].");
        }
    }
}
