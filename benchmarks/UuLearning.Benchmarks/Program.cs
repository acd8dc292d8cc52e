using BenchmarkDotNet.Running;
using UuLearning.Benchmarks;

if (args.Length > 0 && args[0] == "labeling-throughput")
{
    return await LabelingThroughput.RunAsync(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
