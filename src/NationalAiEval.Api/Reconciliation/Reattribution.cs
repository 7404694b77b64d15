using NationalAiEval.Api.Auth;
using NationalAiEval.Api.Flags;
using NationalAiEval.Api.Infrastructure.Database;
using NationalAiEval.Api.Ledger;
using NationalAiEval.Api.Usage;
using NationalAiEval.Core.Ledger;
using NationalAiEval.Core.Usage;

namespace NationalAiEval.Api.Reconciliation;

/// <summary>
/// Keeps the ledger and the usage flags true when an admission or an end changes who pays for hours already counted
/// (api-docs/DEFINITIONS.md#who-pays): a team re-admitted while an earlier window still runs, an end recorded after
/// the usage it ends. Inside the change's transaction, every participation of the team is charged exactly the facts
/// of the hours it pays for (the difference is posted, and an ended participation's forfeit moves with it so that its
/// balance stays zero), and the team's flags are judged again for the hours whose attribution changed.
/// </summary>
public sealed class Reattribution(LedgerWriter ledger, UsageFlags flags)
{
    private static readonly Sql OfTeam = Sql.Portable(
        "SELECT id AS participation_id, window_start_unix, window_end_unix, ended_unix FROM participation WHERE team_id = @TeamId ORDER BY window_start_unix, id");

    private static readonly Sql UsedGpu = Sql.Portable(
        "SELECT COALESCE(SUM(-amount), 0) FROM ledger_entry WHERE participation_id = @ParticipationId AND resource = 'gpu' AND kind IN ('usage', 'reversal')");

    private static readonly Sql FactHours = Sql.Portable("""
        SELECT pool_id, hour_unix FROM usage_fact WHERE team_id = @TeamId AND hour_unix >= @FromUnix AND hour_unix < @ToUnix AND gpu_seconds <> 0
        """);

    /// <summary>A team's participations as the ledger sees them: read before a change, and again after it.</summary>
    public static async Task<IReadOnlyList<PayingParticipation>> ParticipationsAsync(DbSession session, long teamId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        return (await session.QueryAsync<Row>(OfTeam, new { TeamId = teamId }, cancellationToken))
            .Select(r => new PayingParticipation(r.ParticipationId, r.WindowStartUnix, r.WindowEndUnix, r.EndedUnix)).ToList();
    }

    /// <summary>
    /// After the change <paramref name="eventKey"/> (unique per change: the ledger's sources are made from it), with the
    /// team's participations as they were <paramref name="before"/> it. A participation whose closing forfeit is posted
    /// has its forfeit moved too; one being ended by this change has none yet: the caller forfeits what remains afterwards.
    /// </summary>
    public async Task ApplyAsync(
        DbSession session, long teamId, IReadOnlyList<PayingParticipation> before, string eventKey, Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(before);
        var after = await ParticipationsAsync(session, teamId, cancellationToken);
        var changed = UsageAttribution.ChangedSpans(before, after);
        if (changed.Count == 0)
        {
            return;
        }

        var moved = new List<long>();
        var forfeited = await EndForfeits.ForfeitedAsync(session, cancellationToken);
        foreach (var participation in after)
        {
            var should = 0L;
            foreach (var (from, to) in UsageAttribution.PayingSpans(after, participation.ParticipationId))
            {
                should = checked(should + (await session.QueryAsync<PoolUsageRow>(UsageSql.UsedByPool,
                    new { TeamId = teamId, FromUnix = from, ToUnix = to, Since7Unix = to, Since30Unix = to }, cancellationToken)).Sum(u => u.MilliEghSeconds));
            }

            var charged = await session.ExecuteScalarAsync<long>(UsedGpu, new { participation.ParticipationId }, cancellationToken);
            var difference = checked(should - charged);
            if (difference == 0)
            {
                continue;
            }

            var id = participation.ParticipationId;
            var postings = new List<LedgerPosting>
            {
                new(LedgerResource.Gpu, difference > 0 ? LedgerKind.Usage : LedgerKind.Reversal, -difference, $"reattribution:{eventKey}:participation-{id}",
                    $"{eventKey}: usage already counted is charged to the participation that pays for its hours"),
            };
            if (forfeited.Contains(id))
            {
                postings.Add(new(LedgerResource.Gpu, LedgerKind.Forfeit, difference, $"reattribution-forfeit:{eventKey}:participation-{id}",
                    "the forfeit of an ended participation moves with its usage, so that its balance stays zero"));
            }

            await ledger.PostAsync(session, id, postings, caller, cancellationToken);
            moved.Add(id);
        }

        var keys = new List<FactKey>();
        foreach (var (from, to) in changed)
        {
            keys.AddRange((await session.QueryAsync<HourRow>(FactHours, new { TeamId = teamId, FromUnix = from, ToUnix = to }, cancellationToken))
                .Select(h => new FactKey(h.PoolId, teamId, null, h.HourUnix)));
        }

        await flags.EvaluateAsync(session, keys, moved, await ReconciliationData.LoadAsync(session, cancellationToken), cancellationToken);
    }

    private sealed class Row
    {
        public long ParticipationId { get; init; }
        public long WindowStartUnix { get; init; }
        public long WindowEndUnix { get; init; }
        public long? EndedUnix { get; init; }
    }

    private sealed class HourRow
    {
        public long PoolId { get; init; }
        public long HourUnix { get; init; }
    }
}
