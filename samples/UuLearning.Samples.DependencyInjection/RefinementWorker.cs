using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace UuLearning.Samples.DependencyInjection;

/// <summary>Labels, featurizes and refines the corpus with services from the container, then stops the host.</summary>
// <di-worker>
internal sealed class RefinementWorker(
    SpamCorpus corpus,
    IPseudoLabeler labeler,
    TextFeatureExtractor features,
    IterativeRefiner refiner,
    IHostApplicationLifetime lifetime,
    ILogger<RefinementWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var items = corpus.Ids.Select((id, i) => new LabelingItem(id, corpus.Texts[i])).ToList();
            var initial = (await labeler.LabelAsync(items, stoppingToken)).Select(r => r.Label).ToArray();
            var vectors = await features.EmbedAsync(corpus.Texts, cancellationToken: stoppingToken);
            var sample = LabeledSample.DrawUniform(corpus.Gold, size: 50, seed: 42);

            using var result = await refiner.RefineAsync(vectors, initial, sample, stoppingToken);

            logger.LogInformation("Kept round {Round} of {Rounds}; {Changed} labels changed; accuracy against gold {Accuracy:P1}.",
                result.ChosenRound, result.Rounds.Count, result.Decisions.Count(d => d.Changed), Accuracy(result.Labels));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "The refinement failed.");
            Environment.ExitCode = 1;
        }
        finally
        {
            lifetime.StopApplication();
        }
    }
    // </di-worker>

    private double Accuracy(IReadOnlyList<PseudoLabel> labels) =>
        (double)Enumerable.Range(0, labels.Count).Count(i => (labels[i] == PseudoLabel.Positive) == corpus.Gold[i]) / labels.Count;
}
