using BenchmarkDotNet.Running;
using UuLearning.Benchmarks;
using UuLearning.Benchmarks.Features;

if (args.Length > 0 && args[0] == "labeling-throughput")
{
    return await LabelingThroughput.RunAsync(args[1..]);
}

if (args.Length > 0 && args[0] == "minilm-tokens")
{
    return MiniLmTokenReport.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "minilm-memory")
{
    return MiniLmMemoryReport.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "minilm-padding")
{
    return MiniLmPaddingReport.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "minilm-parallel-check")
{
    return MiniLmParallelCheck.Run();
}

if (args.Length > 0 && args[0] == "minilm-threads")
{
    return MiniLmThreadsTiming.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "threads-timing")
{
    return ThreadsTiming.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "linear-step-timing")
{
    return LinearStepTiming.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "crossfit-timing")
{
    return CrossFitTiming.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "refine-timing")
{
    return await RefinementTiming.RunAsync(args[1..]);
}

if (args.Length > 0 && args[0] == "features")
{
    return await FeatureEvaluation.RunAsync(args[1..]);
}

// Benchmarks run in-process by default: BenchmarkDotNet's out-of-process toolchain builds a generated project whose
// output does not get the TorchSharp native repair (docs/platform-requirements.md), so TorchSharp cannot load there on
// Debian 12 / Ubuntu 22.04. Pass --inProcess yourself or nothing; any other BenchmarkDotNet option still applies.
var effectiveArgs = args.Contains("--inProcess") || args.Contains("-i") ? args : [.. args, "--inProcess"];
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(effectiveArgs);
return 0;
