using System.Globalization;
using System.Text;
using System.Text.Json;
using TorchSharp;
using UuLearning.Internal;
using static TorchSharp.torch;

namespace UuLearning;

/// <summary>
/// A trained scorer g(x): scores feature vectors (positive score = positive class), predicts labels with sign(g(x)),
/// and can be saved to and loaded from a file. The refined classifier of the paper, usable as a reward model.
/// </summary>
/// <remarks>
/// Owns a TorchSharp module: dispose it when done. Scoring is safe from one thread at a time; for concurrent scoring
/// load one instance per thread.
/// </remarks>
public sealed class UuClassifier : IDisposable
{
    private const string Magic = "UULEARNING-CLASSIFIER";
    private const int FormatVersion = 1;
    private const int ScoringBatch = 4096;
    private readonly nn.Module<Tensor, Tensor> _module;
    private readonly Device _device;
    private bool _disposed;

    internal UuClassifier(nn.Module<Tensor, Tensor> module, ScorerArchitecture architecture, int featureDimension, Device device, TrainingReport? report)
    {
        _module = module;
        _device = device;
        Architecture = architecture;
        FeatureDimension = featureDimension;
        TrainingReport = report;
        _module.eval();
    }

    /// <summary>The scorer's architecture.</summary>
    public ScorerArchitecture Architecture { get; }

    /// <summary>The feature dimension the scorer expects.</summary>
    public int FeatureDimension { get; }

    /// <summary>How the classifier was trained; null for a classifier loaded from a file.</summary>
    public TrainingReport? TrainingReport { get; }

    /// <summary>The underlying TorchSharp module (owned by this classifier; do not dispose it yourself).</summary>
    public nn.Module<Tensor, Tensor> Module => _module;

    /// <summary>Scores feature vectors; a score above 0 means the positive class.</summary>
    /// <param name="features">One vector of length <see cref="FeatureDimension"/> per item, finite values only.</param>
    /// <returns>One score per item.</returns>
    /// <exception cref="ArgumentException">A vector has the wrong length or a non-finite value (the message names the item).</exception>
    /// <exception cref="ObjectDisposedException">The classifier was disposed.</exception>
    public float[] Score(IReadOnlyList<ReadOnlyMemory<float>> features)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        FeatureMatrix.Validate(features, nameof(features), FeatureDimension);
        using var scope = NewDisposeScope();
        var x = FeatureMatrix.ToTensor(features, FeatureDimension, _device);
        return ScoreTensor(x);
    }

    /// <summary>Predicts labels: <see cref="PseudoLabel.Positive"/> where the score is above 0, else <see cref="PseudoLabel.Negative"/>.</summary>
    /// <param name="features">One vector per item.</param>
    /// <returns>One label per item.</returns>
    /// <exception cref="ArgumentException">A vector has the wrong length or a non-finite value.</exception>
    public PseudoLabel[] Predict(IReadOnlyList<ReadOnlyMemory<float>> features) =>
        Score(features).Select(s => s > 0 ? PseudoLabel.Positive : PseudoLabel.Negative).ToArray();

    /// <summary>Scores rows of a [N, D] tensor already on the classifier's device, in batches, without gradients, with
    /// <paramref name="threads"/> torch threads (0: chosen from the batch's work).</summary>
    internal float[] ScoreTensor(Tensor x, int threads = 0)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        long n = x.shape[0];
        var result = new float[n];
        long perRow = StackedScorers.Supports(Architecture) ? StackedScorers.MultiplyAddsPerRow(Architecture, FeatureDimension) : FeatureDimension;
        using var threadScope = TorchThreads.Use(threads > 0 ? threads : TorchThreads.Choose(Math.Min(n, ScoringBatch) * perRow));
        using var noGrad = torch.no_grad();
        _module.eval();
        for (long start = 0; start < n; start += ScoringBatch)
        {
            using var scope = NewDisposeScope();
            long len = Math.Min(ScoringBatch, n - start);
            var s = _module.call(x.narrow(0, start, len)).reshape(-1).to(ScalarType.Float32).cpu();
            s.data<float>().CopyTo(result, (int)start);
        }
        return result;
    }

    /// <summary>Saves the classifier (architecture, feature dimension and parameters) to <paramref name="path"/>.
    /// The file is written to a temporary name first and then moved, so a crash never leaves a half-written file.</summary>
    /// <param name="path">The destination file; overwritten if it exists.</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    public void Save(string path)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = Path.GetFullPath(path);
        var tmp = full + ".tmp-" + Guid.NewGuid().ToString("N");
        try
        {
            using (var stream = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write))
            using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
            {
                var header = new Header(Magic, FormatVersion, Architecture.Kind, Architecture.HiddenSizes.ToArray(), Architecture.Dropout, Architecture.Name, FeatureDimension);
                writer.Write(JsonSerializer.Serialize(header));
                _module.save(writer);
                writer.Flush();
                stream.Flush(flushToDisk: true);
            }
            File.Move(tmp, full, overwrite: true);
        }
        catch
        {
            File.Delete(tmp);
            throw;
        }
    }

    /// <summary>Loads a classifier saved with <see cref="Save"/>.</summary>
    /// <param name="path">The file.</param>
    /// <param name="customArchitecture">For a classifier with a custom scorer, the same architecture it was trained with; otherwise null.</param>
    /// <param name="device">The device to load onto ("cpu" by default).</param>
    /// <returns>The classifier.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a UuLearning classifier, or a custom scorer needs <paramref name="customArchitecture"/>.</exception>
    public static UuClassifier Load(string path, ScorerArchitecture? customArchitecture = null, string device = "cpu")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"No classifier file at '{path}'.", path);
        }
        var dev = FeatureMatrix.ResolveDevice(device);
        using var stream = File.OpenRead(path);
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        Header? header;
        try
        {
            header = JsonSerializer.Deserialize<Header>(reader.ReadString());
        }
        catch (Exception ex) when (ex is JsonException or EndOfStreamException or IOException)
        {
            throw new InvalidDataException($"'{path}' is not a UuLearning classifier file.", ex);
        }
        if (header is null || header.Magic != Magic)
        {
            throw new InvalidDataException($"'{path}' is not a UuLearning classifier file.");
        }
        if (header.Version != FormatVersion)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"'{path}' has classifier format {header.Version}; this version of UuLearning reads format {FormatVersion}."));
        }
        ScorerArchitecture architecture;
        if (header.Kind == "custom")
        {
            architecture = customArchitecture ?? throw new InvalidDataException(
                $"'{path}' holds a custom scorer ('{header.Name}'); pass the ScorerArchitecture it was trained with to Load.");
        }
        else
        {
            architecture = ScorerArchitecture.FromDescription(header.Kind, header.HiddenSizes, header.Dropout);
        }
        var module = architecture.Create(header.FeatureDimension);
        try
        {
            module.load(reader);
            module.to(dev);
        }
        catch
        {
            module.Dispose();
            throw;
        }
        return new UuClassifier(module, architecture, header.FeatureDimension, dev, null);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _module.Dispose();
        }
    }

    private sealed record Header(string Magic, int Version, string Kind, int[] HiddenSizes, double Dropout, string Name, int FeatureDimension);
}
