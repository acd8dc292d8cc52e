using BenchmarkDotNet.Attributes;
using TorchSharp;
using static TorchSharp.torch;

namespace UuLearning.Benchmarks;

/// <summary>
/// The roof: dense float32 matrix multiplication throughput of this TorchSharp build on this CPU, for the shapes a
/// training step uses ([B, 384] x [384, 256], the MLP's first layer) and a square GEMM. FLOP/s = 2 M N K / Mean.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 10)]
public class MatmulRoofBenchmark
{
    private Tensor _a = null!;
    private Tensor _b = null!;

    /// <summary>Rows of the left operand (the batch size; 1024 = the square case).</summary>
    [Params(64, 1024, 20000)]
    public int Rows { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        torch.manual_seed(1);
        int k = Rows == 1024 ? 1024 : 384;
        int n = Rows == 1024 ? 1024 : 256;
        _a = torch.randn(Rows, k);
        _b = torch.randn(k, n);
    }

    [Benchmark]
    public void MatMul()
    {
        using var c = _a.matmul(_b);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _a.Dispose();
        _b.Dispose();
    }
}
