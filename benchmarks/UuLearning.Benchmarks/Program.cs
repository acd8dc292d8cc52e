using BenchmarkDotNet.Running;
using UuLearning.Benchmarks.Features;

if (args.Length > 0 && args[0] == "features")
{
    return await FeatureEvaluation.RunAsync(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(FeatureEvaluation).Assembly).Run(args);
return 0;
