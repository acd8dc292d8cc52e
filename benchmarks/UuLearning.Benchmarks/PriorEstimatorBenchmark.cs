using System.Collections.ObjectModel;
using BenchmarkDotNet.Attributes;

namespace UuLearning.Benchmarks;

/// <summary>
/// Cost of one prior estimate for a 1,000,000-item corpus with a 100-item labeled sample (issue 3): it runs once per
/// refinement round, so it must cost far less than a training epoch.
/// </summary>
[MemoryDiagnoser]
public class PriorEstimatorBenchmark
{
    private const int CorpusSize = 1_000_000;
    private const int SampleSize = 100;

    private PseudoLabel[] _pseudo = [];
    private ReadOnlyCollection<PseudoLabel> _pseudoWrapped = null!;
    private LabeledSample _uniform = null!;
    private LabeledSample _stratified = null!;
    private readonly FewLabelPriorEstimator _solved = new();
    private readonly FewLabelPriorEstimator _knownPi = new(new FewLabelPriorEstimatorOptions { KnownPi = 0.3 });
    private OraclePriorEstimator _oracle = null!;

    [GlobalSetup]
    public void Setup()
    {
        // pi = 0.3, a labeler with TPR 0.8 and FPR 0.1, 1 % abstentions.
        var random = new Random(42);
        var gold = new bool[CorpusSize];
        _pseudo = new PseudoLabel[CorpusSize];
        for (int i = 0; i < CorpusSize; i++)
        {
            gold[i] = random.NextDouble() < 0.3;
            double u = random.NextDouble();
            _pseudo[i] = u < 0.01 ? PseudoLabel.Abstained
                : random.NextDouble() < (gold[i] ? 0.8 : 0.1) ? PseudoLabel.Positive : PseudoLabel.Negative;
        }
        _pseudoWrapped = new ReadOnlyCollection<PseudoLabel>(_pseudo);
        _uniform = LabeledSample.DrawUniform(gold, SampleSize, 1);
        _stratified = LabeledSample.DrawStratified(gold, SampleSize, 1);
        _oracle = new OraclePriorEstimator(gold);
    }

    [Benchmark(Baseline = true)]
    public PriorEstimate FewLabel_Uniform_Array() => _solved.Estimate(_pseudo, _uniform);

    [Benchmark]
    public PriorEstimate FewLabel_Uniform_ReadOnlyCollection() => _solved.Estimate(_pseudoWrapped, _uniform);

    [Benchmark]
    public PriorEstimate FewLabel_Stratified_KnownPi() => _knownPi.Estimate(_pseudo, _stratified);

    [Benchmark]
    public PriorEstimate FewLabel_Stratified_SolvedPi_Bootstrap2000() => _solved.Estimate(_pseudo, _stratified);

    [Benchmark]
    public PriorEstimate Oracle() => _oracle.Estimate(_pseudo, _uniform);
}
