// UuLearning as a reward model: refine the bundled dataset's labels once, save the refined classifier, then (now or in a
// later run) load it and score new texts, for example to pick the best of several candidate replies.
//
//   dotnet run --project samples/UuLearning.Samples.RewardModel -c Release [-- <model folder>] [--retrain]
//
// The first run trains and saves <model folder>/spam-classifier.uuc (default ./out/reward-model); later runs load it.
// The classifier scores feature vectors, so texts must be featurized exactly as at training time. The hashing
// featurizer has no file format of its own: it is refitted here on the same bundled corpus, which gives the same
// featurizer bit for bit (Fit is deterministic), and its ModelId (options + a fingerprint of the fitted weights) is
// saved next to the classifier and checked on load.
using System.Globalization;
using CsvHelper;
using UuLearning;

var retrain = args.Contains("--retrain");
var modelDirectory = Path.GetFullPath(args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal)) ?? Path.Combine("out", "reward-model"));
Directory.CreateDirectory(modelDirectory);
var classifierPath = Path.Combine(modelDirectory, "spam-classifier.uuc");
var featurizerIdPath = Path.Combine(modelDirectory, "featurizer-model-id.txt");

var (texts, gold, noisy) = LoadBundledCorpus();
using var featurizer = HashingTextFeaturizer.Fit(texts); // deterministic: same corpus and options, same featurizer

if (retrain || !File.Exists(classifierPath))
{
    // <reward-train-and-save>
    var features = await TextFeatures.EmbedAsync(featurizer, texts);
    var sample = LabeledSample.DrawUniform(gold, size: 50, seed: 42);
    using var result = await new IterativeRefiner().RefineAsync(features, noisy, sample);

    result.Classifier.Save(classifierPath);
    File.WriteAllText(featurizerIdPath, featurizer.ModelId);
    // </reward-train-and-save>
    Console.WriteLine($"Refined {texts.Count:N0} labels in {result.Rounds.Count} rounds (kept round {result.ChosenRound}); saved {classifierPath}.");
}
else
{
    Console.WriteLine($"Loading the classifier saved earlier in {classifierPath} (pass --retrain to train again).");
}

// <reward-load-and-score>
if (File.ReadAllText(featurizerIdPath) != featurizer.ModelId)
{
    throw new InvalidOperationException("The featurizer differs from the one the classifier was trained with; retrain (--retrain).");
}

using var classifier = UuClassifier.Load(classifierPath);

string[] candidates =
[
    "Loved the guitar solo at 2:15, this song never gets old.",
    "Check out my channel and subscribe!!! Free iPhone giveaway at my website",
    "Who is still listening to this in 2015?",
    "Make money from home, click here http://bit.ly/easy-cash",
];
var candidateFeatures = await TextFeatures.EmbedAsync(featurizer, candidates);
float[] scores = classifier.Score(candidateFeatures); // g(x): > 0 means spam

// Reward for a reply: the higher, the less spam-like. A monotone transform of g(x), not a calibrated probability.
double[] rewards = scores.Select(s => 1 / (1 + Math.Exp(s))).ToArray();
// </reward-load-and-score>

Console.WriteLine();
Console.WriteLine($"{"g(x)",8} {"reward",7}  text");
for (int i = 0; i < candidates.Length; i++)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{scores[i],8:0.000} {rewards[i],7:0.000}  {candidates[i]}"));
}

var best = Array.IndexOf(rewards, rewards.Max());
Console.WriteLine();
Console.WriteLine($"Best of {candidates.Length} by reward: \"{candidates[best]}\"");
return 0;

static (List<string> Texts, List<bool> Gold, PseudoLabel[] Noisy) LoadBundledCorpus()
{
    var texts = new List<string>();
    var gold = new List<bool>();
    var noisy = new List<PseudoLabel>();
    using var csv = CsvReader.FromFile(Path.Combine(AppContext.BaseDirectory, "data", "youtube-spam.csv"));
    while (csv.Read())
    {
        texts.Add(csv.GetString("text"));
        gold.Add(csv.GetString("gold") == "1");
        noisy.Add(csv.GetString("majority_vote") switch
        {
            "1" => PseudoLabel.Positive,
            "0" => PseudoLabel.Negative,
            _ => PseudoLabel.Abstained,
        });
    }

    return (texts, gold, noisy.ToArray());
}
