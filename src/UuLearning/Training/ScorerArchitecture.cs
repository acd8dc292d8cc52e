using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace UuLearning;

/// <summary>
/// Describes the scorer g(x) trained each round: a linear head, a multilayer perceptron, or a user-supplied TorchSharp
/// module. The scorer maps a batch of feature vectors [B, D] to scores [B].
/// </summary>
/// <remarks>Immutable and thread-safe; <see cref="Create"/> returns a new, independently owned module each call.</remarks>
public sealed class ScorerArchitecture
{
    private readonly Func<int, nn.Module<Tensor, Tensor>>? _custom;

    private ScorerArchitecture(string kind, IReadOnlyList<int> hiddenSizes, double dropout, Func<int, nn.Module<Tensor, Tensor>>? custom, string name)
    {
        Kind = kind;
        HiddenSizes = hiddenSizes;
        Dropout = dropout;
        _custom = custom;
        Name = name;
    }

    /// <summary>"linear", "mlp" or "custom".</summary>
    public string Kind { get; }

    /// <summary>Hidden layer widths of an MLP (empty otherwise).</summary>
    public IReadOnlyList<int> HiddenSizes { get; }

    /// <summary>Dropout probability after each hidden layer of an MLP (0 otherwise).</summary>
    public double Dropout { get; }

    /// <summary>A readable name for reports, for example "linear" or "mlp(256, dropout 0.1)".</summary>
    public string Name { get; }

    /// <summary>A linear head <c>g(x) = w·x + b</c>: the default, fast and hard to overfit.</summary>
    /// <returns>The architecture.</returns>
    public static ScorerArchitecture Linear() => new("linear", Array.Empty<int>(), 0, null, "linear");

    /// <summary>A multilayer perceptron with ReLU activations and dropout after each hidden layer.</summary>
    /// <param name="hiddenSizes">Widths of the hidden layers, each at least 1; at least one layer.</param>
    /// <param name="dropout">Dropout probability in [0, 1).</param>
    /// <returns>The architecture.</returns>
    /// <exception cref="ArgumentException">No hidden layer, or a width below 1.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dropout"/> is outside [0, 1).</exception>
    public static ScorerArchitecture Mlp(IReadOnlyList<int> hiddenSizes, double dropout = 0.1)
    {
        ArgumentNullException.ThrowIfNull(hiddenSizes);
        if (hiddenSizes.Count == 0 || hiddenSizes.Any(h => h < 1))
        {
            throw new ArgumentException("An MLP needs at least one hidden layer, each of width 1 or more.", nameof(hiddenSizes));
        }
        if (!(dropout >= 0 && dropout < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(dropout), dropout, "dropout must be in [0, 1).");
        }
        var sizes = hiddenSizes.ToArray();
        return new("mlp", sizes, dropout, null,
            string.Create(CultureInfo.InvariantCulture, $"mlp({string.Join(", ", sizes)}, dropout {dropout})"));
    }

    /// <summary>A user-supplied scorer: <paramref name="factory"/> receives the feature dimension and returns a fresh
    /// module mapping [B, D] to [B] (or [B, 1], which is squeezed).</summary>
    /// <param name="factory">Creates a new module for a given input dimension; called once per round.</param>
    /// <param name="name">A name for reports.</param>
    /// <returns>The architecture.</returns>
    /// <remarks>To load a saved classifier with a custom scorer, pass the same architecture to <see cref="UuClassifier.Load"/>.</remarks>
    public static ScorerArchitecture Custom(Func<int, nn.Module<Tensor, Tensor>> factory, string name = "custom")
    {
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return new("custom", Array.Empty<int>(), 0, factory, name);
    }

    /// <summary>Creates a fresh scorer module for inputs of dimension <paramref name="inputDimension"/>.</summary>
    /// <param name="inputDimension">The feature dimension D.</param>
    /// <returns>A new module owned by the caller.</returns>
    public nn.Module<Tensor, Tensor> Create(int inputDimension)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputDimension, 1);
        return Kind switch
        {
            "linear" => new LinearScorer(inputDimension),
            "mlp" => new MlpScorer(inputDimension, HiddenSizes, Dropout),
            _ => _custom!(inputDimension) ?? throw new InvalidOperationException($"The custom scorer factory '{Name}' returned null."),
        };
    }

    internal static ScorerArchitecture FromDescription(string kind, IReadOnlyList<int> hidden, double dropout) => kind switch
    {
        "linear" => Linear(),
        "mlp" => Mlp(hidden, dropout),
        _ => throw new InvalidDataException($"Unknown scorer kind '{kind}'."),
    };

    private sealed class LinearScorer : nn.Module<Tensor, Tensor>
    {
        private readonly TorchSharp.Modules.Linear head;

        public LinearScorer(int inputDimension)
            : base("linear")
        {
            head = nn.Linear(inputDimension, 1);
            RegisterComponents();
        }

        public override Tensor forward(Tensor input) => head.call(input).squeeze(-1);

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                head.Dispose();
            }
            base.Dispose(disposing);
        }
    }

    private sealed class MlpScorer : nn.Module<Tensor, Tensor>
    {
        private readonly TorchSharp.Modules.Sequential layers;

        public MlpScorer(int inputDimension, IReadOnlyList<int> hidden, double dropout)
            : base("mlp")
        {
            var modules = new List<(string, nn.Module<Tensor, Tensor>)>();
            int previous = inputDimension;
            for (int i = 0; i < hidden.Count; i++)
            {
                modules.Add(($"linear{i}", nn.Linear(previous, hidden[i])));
                modules.Add(($"relu{i}", nn.ReLU()));
                if (dropout > 0)
                {
                    modules.Add(($"dropout{i}", nn.Dropout(dropout)));
                }
                previous = hidden[i];
            }
            modules.Add(("output", nn.Linear(previous, 1)));
            layers = nn.Sequential(modules);
            RegisterComponents();
        }

        public override Tensor forward(Tensor input) => layers.call(input).squeeze(-1);

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                layers.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
