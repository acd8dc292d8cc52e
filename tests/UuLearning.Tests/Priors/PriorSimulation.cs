namespace UuLearning.Tests;

/// <summary>
/// Seeded simulation of the few-label setting: a synthetic corpus with gold labels drawn with prior <c>pi</c>, a weak
/// labeler with fixed TPR and FPR, and a labeled sample drawn from it. The truth an estimate is compared with is the
/// <b>realized</b> corpus value (the share of gold positives among the corpus's pseudo-positive items, and so on),
/// which is what the estimators target; these values are computed here from the gold labels, independently of the
/// code under test.
/// </summary>
internal static class PriorSimulation
{
    public const int CorpusSize = 2000;
    public const int SampleSize = 50;
    public const double LabelerTpr = 0.8;
    public const double LabelerFpr = 0.1;

    public readonly record struct Truth(double ThetaP, double ThetaN, double Pi, double Rho);

    public sealed record Summary(
        int Runs,
        int Failures,
        double BiasThetaP,
        double BiasThetaN,
        double BiasPi,
        double CoverageThetaP,
        double CoverageThetaN,
        double CoveragePi)
    {
        public override string ToString() =>
            $"runs {Runs}, failures {Failures}; bias thetaP {BiasThetaP:+0.0000;-0.0000}, thetaN {BiasThetaN:+0.0000;-0.0000}, pi {BiasPi:+0.0000;-0.0000}; coverage thetaP {CoverageThetaP:0.000}, thetaN {CoverageThetaN:0.000}, pi {CoveragePi:0.000}";
    }

    /// <summary>Fills <paramref name="gold"/> and <paramref name="pseudo"/> with a fresh corpus and returns its realized priors.</summary>
    public static Truth Generate(Random random, double pi, bool[] gold, PseudoLabel[] pseudo, double tpr = LabelerTpr, double fpr = LabelerFpr)
    {
        int pp = 0, pPos = 0, pnPos = 0;
        for (int i = 0; i < gold.Length; i++)
        {
            bool y = random.NextDouble() < pi;
            bool plus = random.NextDouble() < (y ? tpr : fpr);
            gold[i] = y;
            pseudo[i] = plus ? PseudoLabel.Positive : PseudoLabel.Negative;
            if (plus)
            {
                pp++;
                if (y)
                {
                    pPos++;
                }
            }
            else if (y)
            {
                pnPos++;
            }
        }
        int n = gold.Length;
        return new Truth((double)pPos / pp, (double)pnPos / (n - pp), (double)(pPos + pnPos) / n, (double)pp / n);
    }

    /// <summary>Runs <paramref name="runs"/> seeded corpora and samples through <paramref name="estimator"/>.</summary>
    /// <param name="readAs">The design to declare to the estimator (to simulate misreading a stratified sample).</param>
    public static Summary Run(IPriorEstimator estimator, double pi, SampleDesign design, int runs, int seed,
        SampleDesign? readAs = null) => Run(_ => estimator, pi, design, runs, seed, readAs);

    /// <summary>As above, with an estimator built per corpus (for example one told the corpus's realized pi).</summary>
    public static Summary Run(Func<Truth, IPriorEstimator> estimatorFor, double pi, SampleDesign design, int runs, int seed,
        SampleDesign? readAs = null)
    {
        var random = new Random(seed);
        var gold = new bool[CorpusSize];
        var pseudo = new PseudoLabel[CorpusSize];
        double sp = 0, sn = 0, sPi = 0;
        int cp = 0, cn = 0, cPi = 0, ok = 0, failures = 0;
        for (int r = 0; r < runs; r++)
        {
            var truth = Generate(random, pi, gold, pseudo);
            var sample = design == SampleDesign.UniformRandom
                ? LabeledSample.DrawUniform(gold, SampleSize, random.Next())
                : LabeledSample.DrawStratified(gold, SampleSize, random.Next());
            if (readAs is SampleDesign declared && declared != design)
            {
                sample = new LabeledSample(sample.Indices, sample.Labels, declared);
            }
            PriorEstimate estimate;
            try
            {
                estimate = estimatorFor(truth).Estimate(pseudo, sample);
            }
            catch (InvalidOperationException)
            {
                failures++;
                continue;
            }
            ok++;
            sp += estimate.Priors.ThetaP - truth.ThetaP;
            sn += estimate.Priors.ThetaN - truth.ThetaN;
            sPi += estimate.Priors.Pi - truth.Pi;
            cp += estimate.ThetaP.Contains(truth.ThetaP) ? 1 : 0;
            cn += estimate.ThetaN.Contains(truth.ThetaN) ? 1 : 0;
            cPi += estimate.Pi.Contains(truth.Pi) ? 1 : 0;
        }
        return new Summary(runs, failures, sp / ok, sn / ok, sPi / ok, (double)cp / ok, (double)cn / ok, (double)cPi / ok);
    }
}
