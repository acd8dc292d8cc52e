namespace UuLearning;

/// <summary>Which round's labels a refinement returns.</summary>
public enum RoundSelection
{
    /// <summary>The round whose labels agree best with the labeled sample (ties go to the later round).</summary>
    BestSampleAgreement = 0,

    /// <summary>The last round that ran.</summary>
    Last = 1,
}
