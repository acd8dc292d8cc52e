using TorchSharp;
using UuLearning.Internal;
using static TorchSharp.torch;

namespace UuLearning;

/// <summary>
/// The K-class scorer a multi-class refinement returns: trained with the K-class robust UU risk on every item with the
/// labels of the chosen round (round 1's, the initial labels, when those were kept), for labeling new items.
/// </summary>
/// <remarks>Holds a TorchSharp module: dispose it (or the <see cref="MultiClassRefinementResult"/> that owns it).
/// Not thread-safe.</remarks>
public sealed class MultiClassClassifier : IDisposable
{
    private const int ScoringBatch = 16_384;
    private readonly nn.Module<Tensor, Tensor> _module;
    private readonly Device _device;
    private bool _disposed;

    internal MultiClassClassifier(nn.Module<Tensor, Tensor> module, int featureDimension, int classCount, Device device)
    {
        _module = module;
        FeatureDimension = featureDimension;
        ClassCount = classCount;
        _device = device;
    }

    /// <summary>The feature dimension the classifier expects.</summary>
    public int FeatureDimension { get; }

    /// <summary>K, the number of classes.</summary>
    public int ClassCount { get; }

    /// <summary>The probability of each class for each item (softmax of the scorer's K outputs).</summary>
    /// <param name="features">One vector per item, each <see cref="FeatureDimension"/> long, finite values only.</param>
    /// <returns>One array of K probabilities per item.</returns>
    /// <exception cref="ArgumentException">A vector has the wrong length or a non-finite value.</exception>
    /// <exception cref="ObjectDisposedException">The classifier was disposed.</exception>
    public float[][] PredictProbabilities(IReadOnlyList<ReadOnlyMemory<float>> features)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        FeatureMatrix.Validate(features, nameof(features), FeatureDimension);
        int n = features.Count, k = ClassCount;
        var result = new float[n][];
        using var noGrad = torch.no_grad();
        _module.eval();
        for (int start = 0; start < n; start += ScoringBatch)
        {
            using var scope = NewDisposeScope();
            int len = Math.Min(ScoringBatch, n - start);
            var rows = new ReadOnlyMemory<float>[len];
            for (int i = 0; i < len; i++)
            {
                rows[i] = features[start + i];
            }
            var x = FeatureMatrix.ToTensor(rows, FeatureDimension, _device);
            var p = nn.functional.softmax(_module.call(x), 1).to(ScalarType.Float32).cpu().data<float>().ToArray();
            for (int i = 0; i < len; i++)
            {
                result[start + i] = p.AsSpan(i * k, k).ToArray();
            }
        }
        return result;
    }

    /// <summary>The most probable class of each item.</summary>
    /// <param name="features">One vector per item.</param>
    /// <returns>One class index in [0, K) per item.</returns>
    /// <exception cref="ArgumentException">A vector has the wrong length or a non-finite value.</exception>
    /// <exception cref="ObjectDisposedException">The classifier was disposed.</exception>
    public int[] Predict(IReadOnlyList<ReadOnlyMemory<float>> features) =>
        PredictProbabilities(features).Select(p => Array.IndexOf(p, p.Max())).ToArray();

    /// <inheritdoc />
    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _module.Dispose();
        }
    }
}
