using System.ClientModel;
using System.ClientModel.Primitives;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.AI;
using OpenAI;
using UuLearning.Tests;

namespace UuLearning.Benchmarks;

/// <summary>
/// Measures items per second of <see cref="ChatClientPseudoLabeler"/> against the loopback OpenAI-protocol server answering
/// after a fixed latency, through the real OpenAI client, at several concurrency levels, with and without the JSONL store.
/// Run: <c>dotnet run -c Release --project benchmarks/UuLearning.Benchmarks -- labeling-throughput [items] [latencyMs] [concurrency,...] [none|jsonl|both]</c>.
/// </summary>
internal static class LabelingThroughput
{
    public static async Task<int> RunAsync(string[] args)
    {
        int items = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 2000;
        int latencyMs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100;
        int[] levels = args.Length > 2 ? args[2].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray() : [1, 8, 32];
        bool[] storeModes = (args.Length > 3 ? args[3] : "both") switch
        {
            "none" => [false],
            "jsonl" => [true],
            _ => [false, true],
        };
        var latency = TimeSpan.FromMilliseconds(latencyMs);
        var corpus = Enumerable.Range(0, items).Select(i => new LabelingItem($"id{i}", $"comment {i}")).ToList();

        Console.WriteLine($"| concurrency | store | items | seconds | items/s | ideal (c / {latency.TotalSeconds:0.###} s) | share of ideal | server calls |");
        Console.WriteLine("|---:|:---|---:|---:|---:|---:|---:|---:|");
        foreach (int concurrency in levels)
        {
            foreach (bool withStore in storeModes)
            {
                await using var server = new LoopbackOpenAIServer(
                    (text, _, _) => new LoopbackReply(Content: text.EndsWith('0') ? "spam" : "ham", Delay: latency),
                    maxRequests: items + 10, lifetime: TimeSpan.FromMinutes(10));
                using IChatClient client = new OpenAI.Chat.ChatClient("loopback-model", new ApiKeyCredential("k"), new OpenAIClientOptions
                {
                    Endpoint = server.Endpoint,
                    RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
                }).AsIChatClient();
                string storePath = Path.Combine(Path.GetTempPath(), $"uulearning-throughput-{Guid.NewGuid():N}.jsonl");
                using var store = withStore ? new JsonlAnnotationStore(storePath) : null;
                var labeler = new ChatClientPseudoLabeler(client, new ChatClientPseudoLabelerOptions
                {
                    Instruction = "Is this comment spam?",
                    PositiveClassName = "spam",
                    NegativeClassName = "ham",
                    UseStructuredOutput = false,
                    MaxConcurrency = concurrency,
                    Store = store,
                });

                // Warm up the connection pool and JIT on a few items outside the timed run.
                await labeler.LabelAsync(corpus.Take(Math.Min(concurrency, 8)).Select(i => i with { Id = "warm-" + i.Id }).ToList());
                var clock = Stopwatch.StartNew();
                var results = await labeler.LabelAsync(corpus);
                clock.Stop();
                if (results.Any(r => r.Outcome != LabelingOutcome.Labeled))
                {
                    throw new InvalidOperationException("Some items were not labeled; the measurement is void.");
                }

                double perSecond = items / clock.Elapsed.TotalSeconds;
                double ideal = concurrency / latency.TotalSeconds;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {concurrency} | {(withStore ? "jsonl" : "none")} | {items} | {clock.Elapsed.TotalSeconds:0.00} | {perSecond:0.0} | {ideal:0.0} | {perSecond / ideal:P1} | {server.Requests.Count} |"));
                if (withStore)
                {
                    File.Delete(storePath);
                }
            }
        }
        return 0;
    }
}
