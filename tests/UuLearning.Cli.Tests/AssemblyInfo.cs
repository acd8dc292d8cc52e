// The refine tests train TorchSharp models and the process tests start the tool: run one test at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
