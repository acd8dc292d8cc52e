// UuLearning with a real LLM: an OpenAI-compatible chat endpoint labels the bundled YouTube comments (spam or ham),
// every answer is appended to a JSONL file so an interrupted run resumes without paying twice, then the labels are
// refined with 50 gold labels.
//
//   dotnet run --project samples/UuLearning.Samples.ChatClient -c Release [-- --limit 300] [--out <folder>]
//
// Configuration (environment variables), one of:
//   OpenAI:        OPENAI_API_KEY            [OPENAI_MODEL, default gpt-4o-mini]
//   Azure OpenAI:  AZURE_OPENAI_ENDPOINT, AZURE_OPENAI_API_KEY, AZURE_OPENAI_DEPLOYMENT
//   Ollama or any OpenAI-compatible server:
//                  OPENAI_BASE_URL (e.g. http://localhost:11434/v1), OPENAI_MODEL (e.g. llama3.2)  [OPENAI_API_KEY optional]
// Without any of them the program prints this and exits with code 0.
using System.ClientModel;
using System.Globalization;
using CsvHelper;
using Microsoft.Extensions.AI;
using OpenAI;
using UuLearning;

var limit = ReadOption(args, "--limit") is { } l ? int.Parse(l, CultureInfo.InvariantCulture) : int.MaxValue;
var outputDirectory = Path.GetFullPath(ReadOption(args, "--out") ?? Path.Combine("out", "chat-client"));

// <chat-client-setup>
var endpoint = ChatEndpoint.FromEnvironment();
if (endpoint is null)
{
    Console.WriteLine(ChatEndpoint.Help);
    return 0;
}

using IChatClient chatClient = endpoint.CreateChatClient();
// </chat-client-setup>

var (ids, texts, gold) = LoadBundledCorpus(limit);
Directory.CreateDirectory(outputDirectory);
var storePath = Path.Combine(outputDirectory, "annotations.jsonl");
Console.WriteLine($"Labeling {texts.Count:N0} comments with {endpoint.Description}; answers are kept in {storePath}.");

// <chat-client-labeling>
using var store = new JsonlAnnotationStore(storePath); // rerun after an interruption: stored answers are not asked again
var labeler = new ChatClientPseudoLabeler(chatClient, new ChatClientPseudoLabelerOptions
{
    Instruction = "Decide whether this comment on a YouTube music video is spam (advertising, self-promotion, "
                  + "links, requests to subscribe or visit a channel) or ham (a genuine comment about the video).",
    PositiveClassName = "spam",
    NegativeClassName = "ham",
    ChatOptions = new ChatOptions { Temperature = 0 },
    MaxConcurrency = 8,
    Store = store,
});

var items = ids.Select((id, i) => new LabelingItem(id, texts[i])).ToList();
var progress = new Progress<LabelingProgress>(p =>
{
    if (p.Completed % 100 == 0 || p.Completed == p.Total)
    {
        Console.WriteLine($"  {p.Completed}/{p.Total} done ({p.FromStore} from the store, {p.Abstained} abstained, {p.Failed} failed, {p.Calls} calls)");
    }
});
var answers = await labeler.LabelAsync(items, progress);
PseudoLabel[] initial = answers.Select(a => a.Label).ToArray();
// </chat-client-labeling>

if (answers.FirstOrDefault(a => a.Outcome == LabelingOutcome.Failed) is { } failed)
{
    Console.WriteLine($"{answers.Count(a => a.Outcome == LabelingOutcome.Failed)} items got no answer (they count as abstained; run again to retry them). First error: {failed.Error}");
}

// <chat-client-refinement>
using var featurizer = HashingTextFeaturizer.Fit(texts);
var features = await TextFeatures.EmbedAsync(featurizer, texts);
var sample = LabeledSample.DrawUniform(gold, size: 50, seed: 42);
using var result = await new IterativeRefiner().RefineAsync(features, initial, sample);
// </chat-client-refinement>

Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"LLM labels: accuracy {Accuracy(initial, gold):P1} against gold ({initial.Count(x => x == PseudoLabel.Abstained)} abstained, counted as errors)."));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"Refined labels (round {result.ChosenRound} of {result.Rounds.Count}): accuracy {Accuracy(result.Labels, gold):P1}; {result.Decisions.Count(d => d.Changed)} labels changed."));

var labelsPath = Path.Combine(outputDirectory, "refined-labels.csv");
using (var csv = CsvWriter.ToFile(labelsPath))
{
    csv.WriteRecord(["id", "llm", "refined", "score"]);
    foreach (var d in result.Decisions)
    {
        csv.WriteRecord([ids[d.Index], Cell(d.Initial), Cell(d.Refined), d.Score.ToString("R", CultureInfo.InvariantCulture)]);
    }
}

Console.WriteLine($"Wrote {labelsPath}.");
return 0;

static string? ReadOption(string[] args, string name)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
}

static double Accuracy(IReadOnlyList<PseudoLabel> labels, IReadOnlyList<bool> gold) =>
    (double)Enumerable.Range(0, gold.Count).Count(i => labels[i] != PseudoLabel.Abstained && (labels[i] == PseudoLabel.Positive) == gold[i]) / gold.Count;

static string Cell(PseudoLabel label) => label switch
{
    PseudoLabel.Positive => "1",
    PseudoLabel.Negative => "0",
    _ => "",
};

static (List<string> Ids, List<string> Texts, List<bool> Gold) LoadBundledCorpus(int limit)
{
    var ids = new List<string>();
    var texts = new List<string>();
    var gold = new List<bool>();
    using var csv = CsvReader.FromFile(Path.Combine(AppContext.BaseDirectory, "data", "youtube-spam.csv"));
    while (ids.Count < limit && csv.Read())
    {
        ids.Add(csv.GetString("id"));
        texts.Add(csv.GetString("text"));
        gold.Add(csv.GetString("gold") == "1");
    }

    return (ids, texts, gold);
}

/// <summary>Where the chat model is, read from environment variables.</summary>
internal sealed record ChatEndpoint(Uri? BaseUrl, string ApiKey, string Model, string Description)
{
    public const string Help = """
        This sample labels texts with a real LLM. Set one of these, then run it again:

          OpenAI:
            export OPENAI_API_KEY=sk-...
            export OPENAI_MODEL=gpt-4o-mini                 # optional, this is the default

          Azure OpenAI:
            export AZURE_OPENAI_ENDPOINT=https://<resource>.openai.azure.com
            export AZURE_OPENAI_API_KEY=<key>
            export AZURE_OPENAI_DEPLOYMENT=<deployment name>

          Ollama (or any OpenAI-compatible server):
            export OPENAI_BASE_URL=http://localhost:11434/v1
            export OPENAI_MODEL=llama3.2                     # a model you have pulled
            # OPENAI_API_KEY is optional for servers that do not check it

        Options: --limit <n> labels only the first n comments; --out <folder> (default ./out/chat-client).
        """;

    public static ChatEndpoint? FromEnvironment()
    {
        static string? Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v.Trim() : null;

        if (Env("AZURE_OPENAI_ENDPOINT") is { } azure && Env("AZURE_OPENAI_API_KEY") is { } azureKey && Env("AZURE_OPENAI_DEPLOYMENT") is { } deployment)
        {
            // Azure OpenAI's v1 API speaks the OpenAI protocol; the deployment name is the model.
            return new ChatEndpoint(new Uri($"{azure.TrimEnd('/')}/openai/v1/"), azureKey, deployment, $"Azure OpenAI deployment '{deployment}'");
        }

        var model = Env("OPENAI_MODEL");
        if (Env("OPENAI_BASE_URL") is { } baseUrl)
        {
            return model is null
                ? null
                : new ChatEndpoint(new Uri(baseUrl), Env("OPENAI_API_KEY") ?? "unused", model, $"model '{model}' at {baseUrl}");
        }

        return Env("OPENAI_API_KEY") is { } key
            ? new ChatEndpoint(null, key, model ?? "gpt-4o-mini", $"OpenAI model '{model ?? "gpt-4o-mini"}'")
            : null;
    }

    public IChatClient CreateChatClient()
    {
        var options = new OpenAIClientOptions();
        if (BaseUrl is not null)
        {
            options.Endpoint = BaseUrl;
        }

        return new OpenAIClient(new ApiKeyCredential(ApiKey), options).GetChatClient(Model).AsIChatClient();
    }
}
