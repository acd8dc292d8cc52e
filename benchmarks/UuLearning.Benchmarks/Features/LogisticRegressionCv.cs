using System.Numerics;
using System.Runtime.InteropServices;

namespace UuLearning.Benchmarks.Features;

/// <summary>
/// L2-regularised logistic regression (sklearn's objective: mean log-loss + ||w||^2 / (2 C n), bias not penalised),
/// trained full-batch by Nesterov-accelerated gradient descent (step 1/L with L from a power iteration) for a fixed
/// number of iterations; stratified k-fold accuracy with C chosen per outer fold by an inner stratified 3-fold search.
/// </summary>
internal static class LogisticRegressionCv
{
    private static readonly double[] Cs = [1, 10, 100];
    private const int Iterations = 300;

    public static (double Mean, double Std) CrossValidatedAccuracy(IReadOnlyList<ReadOnlyMemory<float>> x, IReadOnlyList<int> y, int folds = 5, int seed = 42)
    {
        var n = x.Count;
        var d = x[0].Length;
        var flat = new float[n * d];
        for (var i = 0; i < n; i++)
        {
            x[i].Span.CopyTo(flat.AsSpan(i * d, d));
        }

        var labels = y.Select(v => (float)v).ToArray();
        var fold = StratifiedFolds(y, folds, seed);
        var accuracies = new double[folds];
        Parallel.For(0, folds, new ParallelOptions { MaxDegreeOfParallelism = 2 }, f =>
        {
            var train = Enumerable.Range(0, n).Where(i => fold[i] != f).ToArray();
            var test = Enumerable.Range(0, n).Where(i => fold[i] == f).ToArray();
            var c = ChooseC(flat, d, labels, train, seed + f);
            accuracies[f] = Score(flat, d, labels, test, Fit(flat, d, labels, train, c));
        });

        var mean = accuracies.Average();
        var std = Math.Sqrt(accuracies.Select(a => (a - mean) * (a - mean)).Sum() / (folds - 1));
        return (mean, std);
    }

    private static double ChooseC(float[] x, int d, float[] y, int[] train, int seed)
    {
        var innerFold = StratifiedFolds(train.Select(i => (int)y[i]).ToArray(), 3, seed);
        var best = Cs[0];
        var bestScore = -1.0;
        foreach (var c in Cs)
        {
            var score = 0.0;
            for (var f = 0; f < 3; f++)
            {
                var tr = train.Where((_, k) => innerFold[k] != f).ToArray();
                var te = train.Where((_, k) => innerFold[k] == f).ToArray();
                score += Score(x, d, y, te, Fit(x, d, y, tr, c));
            }

            if (score > bestScore + 1e-9)
            {
                bestScore = score;
                best = c;
            }
        }

        return best;
    }

    /// <summary>Returns weights with the bias in the last slot.</summary>
    internal static float[] Fit(float[] x, int d, float[] y, int[] rows, double c)
    {
        var n = rows.Length;
        var lambda = 1.0 / (c * n);
        var lipschitz = 0.25 * (LargestEigenvalue(x, d, rows) + 1.0) + lambda;
        var step = (float)(1.0 / lipschitz);
        var w = new float[d + 1];
        var previous = new float[d + 1];
        var v = new float[d + 1];
        var grad = new float[d + 1];
        for (var t = 1; t <= Iterations; t++)
        {
            Array.Clear(grad);
            foreach (var i in rows)
            {
                var row = x.AsSpan(i * d, d);
                var z = Dot(row, v.AsSpan(0, d)) + v[d];
                var r = (float)((1.0 / (1.0 + Math.Exp(-z)) - y[i]) / n);
                Axpy(r, row, grad.AsSpan(0, d));
                grad[d] += r;
            }

            Array.Copy(w, previous, w.Length);
            for (var j = 0; j < d; j++)
            {
                w[j] = v[j] - step * (grad[j] + (float)lambda * v[j]);
            }

            w[d] = v[d] - step * grad[d];
            var momentum = (t - 1f) / (t + 2f);
            for (var j = 0; j <= d; j++)
            {
                v[j] = w[j] + momentum * (w[j] - previous[j]);
            }
        }

        return w;
    }

    private static double Score(float[] x, int d, float[] y, int[] rows, float[] w)
    {
        var correct = 0;
        foreach (var i in rows)
        {
            var z = Dot(x.AsSpan(i * d, d), w.AsSpan(0, d)) + w[d];
            if ((z > 0 ? 1f : 0f) == y[i])
            {
                correct++;
            }
        }

        return correct / (double)rows.Length;
    }

    private static double LargestEigenvalue(float[] x, int d, int[] rows)
    {
        // Power iteration on X^T X / n.
        var v = new float[d];
        var random = new Random(7);
        for (var j = 0; j < d; j++)
        {
            v[j] = (float)(random.NextDouble() - 0.5);
        }

        var estimate = 1.0;
        var next = new float[d];
        for (var it = 0; it < 20; it++)
        {
            var norm = Math.Sqrt(Dot(v, v));
            if (norm == 0)
            {
                return 1.0;
            }

            for (var j = 0; j < d; j++)
            {
                v[j] = (float)(v[j] / norm);
            }

            Array.Clear(next);
            foreach (var i in rows)
            {
                var row = x.AsSpan(i * d, d);
                Axpy(Dot(row, v), row, next);
            }

            for (var j = 0; j < d; j++)
            {
                next[j] /= rows.Length;
            }

            estimate = Math.Sqrt(Dot(next, next));
            (v, next) = (next, v);
        }

        return estimate * 1.05;
    }

    private static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var va = MemoryMarshal.Cast<float, Vector<float>>(a);
        var vb = MemoryMarshal.Cast<float, Vector<float>>(b);
        var acc = Vector<float>.Zero;
        for (var k = 0; k < va.Length; k++)
        {
            acc += va[k] * vb[k];
        }

        var sum = Vector.Sum(acc);
        for (var k = va.Length * Vector<float>.Count; k < a.Length; k++)
        {
            sum += a[k] * b[k];
        }

        return sum;
    }

    private static void Axpy(float alpha, ReadOnlySpan<float> x, Span<float> y)
    {
        var vx = MemoryMarshal.Cast<float, Vector<float>>(x);
        var vy = MemoryMarshal.Cast<float, Vector<float>>(y);
        var a = new Vector<float>(alpha);
        for (var k = 0; k < vx.Length; k++)
        {
            vy[k] += a * vx[k];
        }

        for (var k = vx.Length * Vector<float>.Count; k < x.Length; k++)
        {
            y[k] += alpha * x[k];
        }
    }

    private static int[] StratifiedFolds(IReadOnlyList<int> y, int folds, int seed)
    {
        var random = new Random(seed);
        var fold = new int[y.Count];
        foreach (var cls in new[] { 0, 1 })
        {
            var members = Enumerable.Range(0, y.Count).Where(i => y[i] == cls).ToArray();
            random.Shuffle(members);
            for (var k = 0; k < members.Length; k++)
            {
                fold[members[k]] = k % folds;
            }
        }

        return fold;
    }
}
