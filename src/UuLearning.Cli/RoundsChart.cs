using ScottPlot;

namespace UuLearning.Cli;

/// <summary>The --chart PNG: accuracy (with a gold column) or sample agreement per round.</summary>
internal static class RoundsChart
{
    public static byte[] Render(IReadOnlyList<RefineReport.RoundEntry> rounds, int chosenRound, double? initialAccuracy, string title)
    {
        bool withGold = rounds.All(r => r.Accuracy is not null);
        double[] xs = rounds.Select(r => (double)r.Round).ToArray();
        var plot = new Plot();
        try
        {
            if (withGold)
            {
                var accuracy = plot.Add.Scatter(xs, rounds.Select(r => r.Accuracy!.Value).ToArray());
                accuracy.LegendText = "accuracy (gold)";
                if (initialAccuracy is double initial)
                {
                    var line = plot.Add.HorizontalLine(initial);
                    line.LinePattern = LinePattern.Dashed;
                    line.LegendText = "initial labels";
                }
            }
            var agreement = plot.Add.Scatter(xs, rounds.Select(r => r.SampleAgreement.Value).ToArray());
            agreement.LegendText = "sample agreement";
            var chosen = plot.Add.VerticalLine(chosenRound);
            chosen.LinePattern = LinePattern.Dotted;
            chosen.LegendText = $"chosen round {chosenRound}";
            plot.Title(title);
            plot.XLabel("round");
            plot.YLabel(withGold ? "accuracy / agreement" : "sample agreement");
            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericFixedInterval(1);
            plot.ShowLegend(Alignment.LowerRight);
            return plot.GetImageBytes(800, 500, ImageFormat.Png);
        }
        finally
        {
            plot.Dispose();
        }
    }
}
