using System.Globalization;
using Microsoft.Extensions.Logging;

namespace UuLearning;

/// <summary>
/// When the round loop stops and why, shared by <see cref="IterativeRefiner"/> and <see cref="MultiClassRefiner"/>:
/// after <see cref="IterativeRefinerOptions.MaxRounds"/>, when fewer than <see cref="IterativeRefinerOptions.FlipTolerance"/>
/// of the labels flipped (after round 1), or when the priors for the next round cannot be estimated.
/// </summary>
internal sealed class RoundStop
{
    private readonly IterativeRefinerOptions _options;
    private readonly ILogger _logger;

    internal RoundStop(IterativeRefinerOptions options, ILogger logger)
    {
        _options = options;
        _logger = logger;
        Detail = string.Create(CultureInfo.InvariantCulture, $"Ran the maximum of {options.MaxRounds} rounds.");
    }

    /// <summary>Why the loop stopped (or will stop, once the last round is known).</summary>
    internal RefinementStopReason Reason { get; private set; } = RefinementStopReason.MaxRounds;

    /// <summary>The same in words, for the result.</summary>
    internal string Detail { get; private set; }

    /// <summary>Decides whether <paramref name="round"/> is the last; if not, estimates the next round's priors with
    /// <paramref name="estimateNext"/> into <paramref name="priors"/> (an estimator that refuses ends the loop here).</summary>
    internal bool IsLast<TPriors>(int round, int flips, int n, Func<TPriors> estimateNext, ref TPriors priors)
    {
        bool last = round == _options.MaxRounds;
        if (round > 1 && (double)flips / n < _options.FlipTolerance)
        {
            last = true;
            Reason = RefinementStopReason.Converged;
            Detail = string.Create(CultureInfo.InvariantCulture,
                $"Converged after round {round}: {flips} of {n} labels flipped, below the tolerance {_options.FlipTolerance}.");
        }
        if (!last)
        {
            try
            {
                priors = estimateNext();
            }
            catch (InvalidOperationException ex)
            {
                last = true;
                Reason = RefinementStopReason.PriorsIndistinguishable;
                Detail = $"Stopped after round {round}: the priors for round {round + 1} could not be estimated. {ex.Message}";
                _logger.LogWarning("{Detail}", Detail);
            }
        }
        return last;
    }
}
