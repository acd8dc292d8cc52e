// UuLearning multi-class sample: refine K-class labels (emotion, stance, topic...) with a few gold labels.
//
//   dotnet run --project samples/UuLearning.Samples.MultiClass -c Release -- <data.csv> <label column> <gold column>
//
// <data.csv> has a header with id, text, the labeler's column (class names; empty = abstained) and a gold column.
// No multi-class data ship with the repository (the sets the team evaluates on carry no licence we could check), so
// bring your own file. Rows with a gold label are the labeled sample, the only gold the method sees; when every row has
// one (an evaluation set), 50 are drawn at random and the others serve only to print the accuracy outside the sample.
using System.Globalization;
using CsvHelper;
using UuLearning;

if (args.Length < 3)
{
    Console.Error.WriteLine("usage: UuLearning.Samples.MultiClass <data.csv> <label column> <gold column>");
    return 2;
}
var (path, labelColumn, goldColumn) = (args[0], args[1], args[2]);
var texts = new List<string>();
var labelNames = new List<string>();
var goldNames = new List<string>();
using (var csv = CsvReader.FromFile(path))
{
    while (csv.Read())
    {
        texts.Add(csv.GetString("text"));
        labelNames.Add(csv.GetString(labelColumn).Trim().ToLowerInvariant());
        goldNames.Add(csv.GetString(goldColumn).Trim().ToLowerInvariant());
    }
}

// 1. The classes: every name the labeler or the gold column uses, sorted; -1 marks an abstention or a missing gold label.
string[] classes = labelNames.Concat(goldNames).Where(n => n.Length > 0).Distinct().Order(StringComparer.Ordinal).ToArray();
int[] initial = labelNames.Select(n => Array.IndexOf(classes, n)).ToArray();
int[] gold = goldNames.Select(n => Array.IndexOf(classes, n)).ToArray();

// 2. The labeled sample: the rows with a gold label, or 50 drawn at random when every row has one.
bool evaluation = gold.All(g => g >= 0);
var sample = evaluation
    ? MultiClassLabeledSample.DrawUniform(gold, classes.Length, size: 50, seed: 0)
    : new MultiClassLabeledSample(
        Enumerable.Range(0, gold.Length).Where(i => gold[i] >= 0).ToArray(),
        gold.Where(g => g >= 0).ToArray(),
        classes.Length);

// 3. Features and refinement: Theta and pi from the sample, K-class robust UU rounds, do-no-harm selection.
using var featurizer = HashingTextFeaturizer.Fit(texts);
var features = await TextFeatures.EmbedAsync(featurizer, texts);
var estimate = new MultiClassPriorEstimator().Estimate(initial, sample);
Console.WriteLine($"{classes.Length} classes: {string.Join(", ", classes)}; first-round priors: {estimate.Priors}");
using var result = await new MultiClassRefiner().RefineAsync(features, initial, sample);

Console.WriteLine(result.SelectionDetail);
Console.WriteLine($"Estimated accuracy outside the labeled sample: returned {result.EstimatedAccuracy}, initial {result.InitialEstimatedAccuracy}.");
if (evaluation)
{
    var outside = Enumerable.Range(0, gold.Length).Except(sample.Indices).ToArray();
    double Accuracy(IReadOnlyList<int> labels) => outside.Average(i => labels[i] == gold[i] ? 1.0 : 0.0);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"Against gold on the {outside.Length} other items: initial {Accuracy(initial):0.000}, returned {Accuracy(result.Labels):0.000}."));
}
Console.WriteLine("Least confident items (review these first):");
foreach (var d in result.ReviewList.Take(5))
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"  {d.Confidence:0.00}  {(d.Initial < 0 ? "(abstained)" : classes[d.Initial])} -> {classes[d.Refined]}  {texts[d.Index][..Math.Min(80, texts[d.Index].Length)]}"));
}
// The returned classifier labels new texts with the same featurizer.
var newTexts = texts.Take(3).ToArray();
var predicted = result.Classifier.Predict(await TextFeatures.EmbedAsync(featurizer, newTexts));
Console.WriteLine("The trained classifier on three texts: " + string.Join(", ", predicted.Select(c => classes[c])));
return 0;
