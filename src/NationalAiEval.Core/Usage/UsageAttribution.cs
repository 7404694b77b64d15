namespace NationalAiEval.Core.Usage;

/// <summary>A team's participation as the ledger sees it: its window and, once ended, the end instant.</summary>
public sealed record PayingParticipation(long ParticipationId, long WindowStartUnix, long WindowEndUnix, long? EndedUnix);

public enum HourAttribution
{
    /// <summary>Charged to the participation's ledger.</summary>
    Charged,

    /// <summary>Inside a window but after an elimination or withdrawal: flagged, not charged.</summary>
    AfterEnd,

    /// <summary>In no window of the team: flagged, not charged.</summary>
    OutsideWindow,
}

/// <summary>
/// Which participation pays for a team's usage in a UTC hour (api-docs/DEFINITIONS.md#who-pays): the one whose window contains the
/// hour's start. Windows begin at midnight in the stage's zone, a whole UTC hour in Asia/Seoul, so a bucket never
/// straddles a window's edge there. An elimination cuts at its instant's hour: the hour in which it takes effect is
/// no longer charged.
/// </summary>
public static class UsageAttribution
{
    public static (HourAttribution Kind, PayingParticipation? Payer) For(IReadOnlyList<PayingParticipation> participations, long hourUnix)
    {
        ArgumentNullException.ThrowIfNull(participations);
        PayingParticipation? payer = null;
        foreach (var participation in participations)
        {
            if (hourUnix >= participation.WindowStartUnix && hourUnix < participation.WindowEndUnix
                && (payer is null || participation.WindowStartUnix < payer.WindowStartUnix))
            {
                payer = participation;
            }
        }

        if (payer is null)
        {
            return (HourAttribution.OutsideWindow, null);
        }

        return payer.EndedUnix is { } ended && hourUnix >= HourlyBuckets.HourOf(ended)
            ? (HourAttribution.AfterEnd, payer)
            : (HourAttribution.Charged, payer);
    }
}
