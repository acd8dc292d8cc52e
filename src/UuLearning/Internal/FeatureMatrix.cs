using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace UuLearning.Internal;

/// <summary>Validation and conversion of managed feature rows into one dense row-major tensor.</summary>
internal static class FeatureMatrix
{
    /// <summary>Checks that every row has the same, non-zero length and only finite values; returns the dimension.</summary>
    public static int Validate(IReadOnlyList<ReadOnlyMemory<float>> features, string paramName, int expectedDimension = -1)
    {
        ArgumentNullException.ThrowIfNull(features, paramName);
        if (features.Count == 0)
        {
            throw new ArgumentException("There are no feature rows; give one feature vector per item.", paramName);
        }
        int d = expectedDimension > 0 ? expectedDimension : features[0].Length;
        if (d == 0)
        {
            throw new ArgumentException("Item 0 has an empty feature vector.", paramName);
        }
        for (int i = 0; i < features.Count; i++)
        {
            var row = features[i].Span;
            if (row.Length != d)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                    $"Item {i} has {row.Length} features but {(expectedDimension > 0 ? "the classifier expects" : "item 0 has")} {d}; every item needs a vector of the same length."), paramName);
            }
            for (int j = 0; j < row.Length; j++)
            {
                if (!float.IsFinite(row[j]))
                {
                    throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                        $"Item {i} has a non-finite feature ({row[j]}) at position {j}; remove or repair NaN and infinite values before training."), paramName);
                }
            }
        }
        return d;
    }

    /// <summary>Copies validated rows into a [N, D] float32 tensor on <paramref name="device"/>.</summary>
    public static Tensor ToTensor(IReadOnlyList<ReadOnlyMemory<float>> features, int dimension, Device device)
    {
        var data = new float[checked((long)features.Count * dimension)];
        for (int i = 0; i < features.Count; i++)
        {
            features[i].Span.CopyTo(data.AsSpan(i * dimension, dimension));
        }
        return MoveTo(torch.tensor(data, new long[] { features.Count, dimension }), device);
    }

    /// <summary>Returns <paramref name="source"/> on <paramref name="device"/>, disposing the source when a copy was made.</summary>
    public static Tensor MoveTo(Tensor source, Device device)
    {
        var moved = source.to(device);
        if (!ReferenceEquals(moved, source))
        {
            source.Dispose();
        }
        return moved;
    }

    /// <summary>Resolves a device string, failing clearly when the device is not available.</summary>
    public static Device ResolveDevice(string device)
    {
        if (device == "cpu")
        {
            return torch.CPU;
        }
        if (!torch.cuda.is_available())
        {
            throw new InvalidOperationException(
                $"Device '{device}' was requested but CUDA is not available to TorchSharp in this process. Reference a CUDA backend package " +
                "(for example TorchSharp-cuda-linux or libtorch-cuda-12.8-linux-x64) instead of the CPU one, on a machine with an NVIDIA driver, " +
                "or set Device to \"cpu\". See docs/platform-requirements.md.");
        }
        var dev = torch.device(device);
        if (dev.index >= torch.cuda.device_count())
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"Device '{device}' was requested but only {torch.cuda.device_count()} CUDA device(s) are visible."));
        }
        return dev;
    }
}
