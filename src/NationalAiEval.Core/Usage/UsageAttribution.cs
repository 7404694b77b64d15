namespace NationalAiEval.Core.Usage;

/// <summary>A team's participation as the ledger sees it: its window and, once ended, the end instant.</summary>
public sealed record PayingParticipation(long ParticipationId, long WindowStartUnix, long WindowEndUnix, long? EndedUnix)
{
    /// <summary>Whether the hour starting at <paramref name="hourUnix"/> lies in the window (its start is inside it).</summary>
    public bool Contains(long hourUnix) => hourUnix >= WindowStartUnix && hourUnix < WindowEndUnix;

    /// <summary>Whether the participation still runs in that hour: not ended, or ended in a later hour.</summary>
    public bool RunsIn(long hourUnix) => Contains(hourUnix) && (EndedUnix is not { } ended || hourUnix < HourlyBuckets.HourOf(ended));
}

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
/// Which participation pays for a team's usage in a UTC hour (api-docs/DEFINITIONS.md#who-pays): of the participations
/// whose window contains the hour's start and that still run in it, the one whose window started first (then the lower
/// id). A participation that has ended never pays for the hour its end takes effect in or later ones; a later window
/// that runs then pays for them instead. An hour in windows that have all ended is "after end" (flagged against the
/// earliest of them); an hour in no window is "outside window". So every hour of a team has exactly one payer or one
/// flag. Windows begin at midnight in the stage's zone, a whole UTC hour in Asia/Seoul, so a bucket never straddles a
/// window's edge there.
/// </summary>
public static class UsageAttribution
{
    public static (HourAttribution Kind, PayingParticipation? Payer) For(IReadOnlyList<PayingParticipation> participations, long hourUnix)
    {
        ArgumentNullException.ThrowIfNull(participations);
        PayingParticipation? payer = null;
        PayingParticipation? ended = null;
        foreach (var participation in participations)
        {
            if (participation.RunsIn(hourUnix))
            {
                payer = First(payer, participation);
            }
            else if (participation.Contains(hourUnix))
            {
                ended = First(ended, participation);
            }
        }

        return payer is not null ? (HourAttribution.Charged, payer)
            : ended is not null ? (HourAttribution.AfterEnd, ended)
            : (HourAttribution.OutsideWindow, null);
    }

    /// <summary>The hours (as [from, to) spans of hour starts) in which <paramref name="participationId"/> pays, in order.</summary>
    public static IReadOnlyList<(long From, long To)> PayingSpans(IReadOnlyList<PayingParticipation> participations, long participationId)
    {
        ArgumentNullException.ThrowIfNull(participations);
        return Spans(participations, participations, (before, _) => before.Kind == HourAttribution.Charged && before.Payer!.ParticipationId == participationId);
    }

    /// <summary>
    /// The hours whose attribution (kind or payer) differs between two states of a team's participations: what an
    /// admission or an end changes, so that the ledger and the flags can be brought in line for exactly those hours.
    /// </summary>
    public static IReadOnlyList<(long From, long To)> ChangedSpans(IReadOnlyList<PayingParticipation> before, IReadOnlyList<PayingParticipation> after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        return Spans(before, after, (b, a) => b.Kind != a.Kind || b.Payer?.ParticipationId != a.Payer?.ParticipationId);
    }

    /// <summary>
    /// The attribution only changes at a window's edge or an end's hour, so it is judged once per stretch between those
    /// hours, and the stretches where <paramref name="wanted"/> holds are merged into spans.
    /// </summary>
    private static List<(long From, long To)> Spans(
        IReadOnlyList<PayingParticipation> before, IReadOnlyList<PayingParticipation> after,
        Func<(HourAttribution Kind, PayingParticipation? Payer), (HourAttribution Kind, PayingParticipation? Payer), bool> wanted)
    {
        var edges = before.Concat(after)
            .SelectMany(p => new[] { HourAtOrAfter(p.WindowStartUnix), HourAtOrAfter(p.WindowEndUnix) }
                .Concat(p.EndedUnix is { } ended ? [HourlyBuckets.HourOf(ended)] : []))
            .Distinct().Order().ToList();
        var spans = new List<(long From, long To)>();
        for (var i = 0; i + 1 < edges.Count; i++)
        {
            var (from, to) = (edges[i], edges[i + 1]);
            if (!wanted(For(before, from), For(after, from)))
            {
                continue;
            }

            if (spans.Count > 0 && spans[^1].To == from)
            {
                spans[^1] = (spans[^1].From, to);
            }
            else
            {
                spans.Add((from, to));
            }
        }

        return spans;
    }

    private static PayingParticipation First(PayingParticipation? current, PayingParticipation candidate) =>
        current is null || candidate.WindowStartUnix < current.WindowStartUnix
        || (candidate.WindowStartUnix == current.WindowStartUnix && candidate.ParticipationId < current.ParticipationId)
            ? candidate
            : current;

    /// <summary>The first hour start at or after an instant: the first hour whose start an interval beginning there contains.</summary>
    private static long HourAtOrAfter(long unix)
    {
        var hour = HourlyBuckets.HourOf(unix);
        return hour == unix ? hour : hour + HourlyBuckets.HourSeconds;
    }
}
