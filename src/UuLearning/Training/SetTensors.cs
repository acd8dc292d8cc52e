using TorchSharp;
using static TorchSharp.torch;

namespace UuLearning;

/// <summary>
/// Batches of K fits as device tensors: for each of <c>rows</c> steps, <see cref="Index"/> holds K x width item indices
/// (fit f's items in columns f x width onwards, padded with item 0), and <see cref="Positive"/> / <see cref="Negative"/>
/// ([rows, K, width], float 0/1) say which pseudo-labeled set each entry counts in; padding counts in neither.
/// </summary>
internal sealed class SetTensors : IDisposable
{
    private SetTensors(Tensor index, Tensor positive, Tensor negative)
    {
        Index = index;
        Positive = positive;
        Negative = negative;
    }

    public Tensor Index { get; }

    public Tensor Positive { get; }

    public Tensor Negative { get; }

    /// <summary>Builds the tensors; <paramref name="items"/>(f, row) gives fit f's items at that step (at most <paramref name="width"/>).</summary>
    public static SetTensors Build(IReadOnlyList<PseudoLabel> labels, int fits, int rows, int width, Device device, Func<int, int, long[]> items)
    {
        var index = new long[(long)rows * fits * width];
        var positive = new float[index.Length];
        var negative = new float[index.Length];
        for (int r = 0; r < rows; r++)
        {
            for (int f = 0; f < fits; f++)
            {
                var chosen = items(f, r);
                int at = ((r * fits) + f) * width;
                for (int j = 0; j < chosen.Length; j++)
                {
                    long item = chosen[j];
                    index[at + j] = item;
                    if (labels[(int)item] == PseudoLabel.Positive)
                    {
                        positive[at + j] = 1;
                    }
                    else
                    {
                        negative[at + j] = 1;
                    }
                }
            }
        }
        var shape = new long[] { rows, fits, width };
        return new SetTensors(
            Internal.FeatureMatrix.MoveTo(torch.tensor(index, new long[] { rows, (long)fits * width }), device),
            Internal.FeatureMatrix.MoveTo(torch.tensor(positive, shape), device),
            Internal.FeatureMatrix.MoveTo(torch.tensor(negative, shape), device));
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Index.Dispose();
        Positive.Dispose();
        Negative.Dispose();
    }
}
