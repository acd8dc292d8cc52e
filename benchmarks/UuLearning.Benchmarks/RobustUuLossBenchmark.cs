using BenchmarkDotNet.Attributes;
using TorchSharp;
using static TorchSharp.torch;

namespace UuLearning.Benchmarks;

/// <summary>Forward plus backward of the robust UU loss on CPU, for several batch sizes.</summary>
[MemoryDiagnoser]
public class RobustUuLossBenchmark
{
    private Tensor _scores = null!;
    private Tensor _mask = null!;
    private RobustUuLoss _loss = null!;

    /// <summary>Items per batch.</summary>
    [Params(64, 1024, 16384)]
    public int BatchSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        torch.manual_seed(1);
        _scores = torch.randn(BatchSize).requires_grad_();
        _mask = torch.rand(BatchSize).lt(0.5);
        _loss = new RobustUuLoss(new ClassPriors(0.8, 0.2, 0.5));
    }

    [Benchmark]
    public double ForwardBackward()
    {
        using var scope = torch.NewDisposeScope();
        var risk = _loss.call(_scores, _mask);
        risk.backward();
        _scores.grad!.zero_();
        return 0;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _scores.Dispose();
        _mask.Dispose();
        _loss.Dispose();
    }
}
