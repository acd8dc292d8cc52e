// UuLearning with Microsoft.Extensions.Hosting: the refiner, prior estimator, trainer, pseudo-labeler and features come
// from the container; the refinement runs in a BackgroundService and the host stops when it is done.
//
//   dotnet run --project samples/UuLearning.Samples.DependencyInjection -c Release
//
// Options can be changed from the command line or environment, for example
//   dotnet run --project samples/UuLearning.Samples.DependencyInjection -c Release -- --Refiner:MaxRounds=3
// and --Labeler=openai asks gpt-4o-mini for the initial labels (needs OPENAI_API_KEY; answers kept in annotations.jsonl).
// and a bad value (try --Refiner:MaxRounds=0) stops the host at start with the property's name.
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using UuLearning;
using UuLearning.Samples.DependencyInjection;

var dataPath = Path.Combine(AppContext.BaseDirectory, "data", "youtube-spam.csv");
var corpus = SpamCorpus.Load(dataPath);

// <di-registration>
var builder = Host.CreateApplicationBuilder(args);

// Any IEmbeddingGenerator works here (OpenAI, Ollama, MiniLM); this one is offline, fitted on the corpus.
builder.Services.AddEmbeddingGenerator(HashingTextFeaturizer.Fit(corpus.Texts));

var uuLearning = builder.Services.AddUuLearning(options => options.Trainer.Seed = 1)
    .UseEmbeddingGeneratorFeatures(features => features.BatchSize = 256);

// Options can also come from configuration (appsettings.json, environment, command line: --Refiner:MaxRounds=3).
builder.Services.Configure<IterativeRefinerOptions>(builder.Configuration.GetSection("Refiner"));

// The noisy labels: by default a column of the CSV; with --Labeler=openai (and OPENAI_API_KEY set) an LLM.
if (builder.Configuration["Labeler"] == "openai")
{
    // <di-chat-labeler>
    var apiKey = Environment.GetEnvironmentVariable("OPENAI_API_KEY")
        ?? throw new InvalidOperationException("--Labeler=openai needs the OPENAI_API_KEY environment variable.");
    builder.Services.AddChatClient(new OpenAI.Chat.ChatClient("gpt-4o-mini", apiKey).AsIChatClient());
    builder.Services.AddSingleton<IAnnotationStore>(_ => new JsonlAnnotationStore("annotations.jsonl")); // resumable
    uuLearning.UseChatClientPseudoLabeler(labeler =>
    {
        labeler.Instruction = "Is this comment on a YouTube music video spam (advertising, links, requests to subscribe)?";
        labeler.PositiveClassName = "spam";
        labeler.NegativeClassName = "ham";
    });
    // </di-chat-labeler>
}
else
{
    builder.Services.AddSingleton<IPseudoLabeler>(PrecomputedPseudoLabeler.FromArrays(corpus.Ids, corpus.MajorityVote));
}

builder.Services.AddSingleton(corpus);
builder.Services.AddHostedService<RefinementWorker>();

using var host = builder.Build();
try
{
    await host.RunAsync();
}
catch (OptionsValidationException ex) // an invalid option stops the host before any work
{
    Console.Error.WriteLine($"Invalid configuration: {string.Join(" ", ex.Failures)}");
    return 2;
}
// </di-registration>
return Environment.ExitCode;
