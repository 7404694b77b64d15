using System.Globalization;
using NationalAiEval.Api.Flags;
using NationalAiEval.Api.Infrastructure.Database;
using NationalAiEval.Api.Infrastructure.Http;
using NationalAiEval.Api.Usage;
using NationalAiEval.Core.Time;
using NationalAiEval.Core.Usage;
using NodaTime;

namespace NationalAiEval.Api.Reconciliation;

/// <summary>
/// Takes usage records that cannot be counted out of counting, so that one bad record never stalls the ledger for
/// everyone (api-docs/DEFINITIONS.md#quarantine): a record that breaks the intake bounds, or whose counting fails, is
/// quarantined with a flag naming it and the reason, and counts nothing until a manager corrects or voids it or its
/// provider sends a version that can be counted. Every other record goes on being reconciled.
/// </summary>
public sealed class RecordQuarantine(Db db, IClock clock, FlagWriter flags, IntakeLimits limits)
{
    private const string Job = "reconcile-usage";

    private static readonly Sql Mark = Sql.Portable("""
        UPDATE usage_record SET review_state = 'quarantined', review_reason = @Reason, reviewed_unix = @Now, reviewed_by = @By WHERE id = @Id
        """);

    /// <summary>A record whose counting failed even alone is set aside as it stands: its counted part is left, and it waits no more.</summary>
    private static readonly Sql MarkFailed = Sql.Portable("""
        UPDATE usage_record SET review_state = 'quarantined', review_reason = @Reason, reviewed_unix = @Now, reviewed_by = @By, dirty = 0 WHERE id = @Id
        """);

    private static readonly Sql FirstWaiting = Sql.FirstRows("id", "FROM usage_record WHERE dirty = 1 ORDER BY id");

    private static readonly Sql Describe = Sql.Portable("""
        SELECT r.id, r.pool_id, p.code AS pool, r.external_id, r.account, r.start_unix, r.until_unix
        FROM usage_record r JOIN pool p ON p.id = r.pool_id WHERE r.id = @Id
        """);

    private static readonly Sql LiveCauses = Sql.Portable("SELECT cause_key FROM flag WHERE kind = @Kind AND status <> 'resolved'");

    /// <summary>
    /// Stored records that break the bounds as they are configured now and are counted as if they did not: marked
    /// waiting, so that the next reconciliation quarantines them and takes out what they counted. Run at start-up, so
    /// that records stored before these bounds existed (or before a bound was tightened) are found.
    /// </summary>
    private static readonly Sql WaitOutOfBounds = Sql.Portable("""
        UPDATE usage_record SET dirty = 1
        WHERE pool_id = @PoolId AND dirty = 0 AND review_state IS NULL
          AND (start_unix < @EarliestUnix OR until_unix >= @LatestUnix OR until_unix - start_unix > @MaxDurationSeconds OR gpus > @PeakGpus OR gpus < 1)
        """);

    private static readonly Sql Pools = Sql.Portable("SELECT id FROM pool");

    public static string CauseKey(long recordId) => $"{FlagKinds.QuarantinedRecord}|record:{recordId.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Inside a reconciliation batch: the record counts nothing from this batch on, and its flag opens.</summary>
    public async Task<FlagChanges> QuarantineAsync(DbSession session, long recordId, string reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        await session.ExecuteAsync(Mark, new { Id = recordId, Reason = reason, Now = Unix.Now(clock).ToUnixTimeSeconds(), By = Job }, cancellationToken);
        return await OpenFlagAsync(session, recordId, reason, cancellationToken);
    }

    /// <summary>Resolves the quarantine flags of records that are counted again (corrected, voided, or sent anew).</summary>
    public async Task<FlagChanges> ResolveAsync(DbSession session, IReadOnlyCollection<long> countedRecordIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(countedRecordIds);
        var live = (await session.QueryAsync<string>(LiveCauses, new { Kind = FlagKinds.QuarantinedRecord }, cancellationToken)).ToHashSet(StringComparer.Ordinal);
        var changes = default(FlagChanges);
        foreach (var id in countedRecordIds.Where(id => live.Contains(CauseKey(id))))
        {
            changes = changes.Add(await flags.ApplyAsync(session,
                new FlagCondition(FlagKinds.QuarantinedRecord, CauseKey(id), null, null, null, null, 0, 0, 0, FlagWriter.RecordsUnit, null, string.Empty), Job, cancellationToken));
        }

        return changes;
    }

    /// <summary>
    /// After a record failed to be counted in a batch of its own: in a transaction of its own, it is set aside (not
    /// waiting any more) with a flag, so that the records after it are reconciled. Returns its id.
    /// </summary>
    public async Task<long?> SetAsideFirstWaitingAsync(Exception cause, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cause);
        await using var session = await db.WriteAsync(cancellationToken);
        var id = await session.QuerySingleOrDefaultAsync<long?>(FirstWaiting, new { Take = 1 }, cancellationToken);
        if (id is null)
        {
            return null;
        }

        var reason = $"counting it failed ({cause.GetType().Name})";
        await session.ExecuteAsync(MarkFailed, new { Id = id, Reason = reason, Now = Unix.Now(clock).ToUnixTimeSeconds(), By = Job }, cancellationToken);
        await OpenFlagAsync(session, id.Value, reason, cancellationToken);
        await session.CommitAsync(cancellationToken);
        return id;
    }

    /// <summary>The start-up check: stored records out of today's bounds wait to be quarantined. Returns how many.</summary>
    public async Task<int> RecheckStoredAsync(CancellationToken cancellationToken)
    {
        await using var session = await db.WriteAsync(cancellationToken);
        var found = 0;
        foreach (var poolId in await session.QueryAsync<long>(Pools, cancellationToken: cancellationToken))
        {
            var cover = await LeaseCovers.LoadAsync(session, poolId, limits.LeaseToleranceSeconds, cancellationToken);
            found += await session.ExecuteAsync(WaitOutOfBounds, new
            {
                PoolId = poolId,
                SupportedRange.EarliestUnix,
                SupportedRange.LatestUnix,
                limits.MaxDurationSeconds,
                cover.PeakGpus,
            }, cancellationToken);
        }

        await session.CommitAsync(cancellationToken);
        return found;
    }

    private async Task<FlagChanges> OpenFlagAsync(DbSession session, long recordId, string reason, CancellationToken cancellationToken)
    {
        var record = await session.QuerySingleAsync<RecordRow>(Describe, new { Id = recordId }, cancellationToken);
        var detail = $"Usage record '{record.ExternalId}' on pool '{record.Pool}' (account '{record.Account}', {Unix.Instant(Clamp(record.StartUnix))} to "
            + $"{Unix.Instant(Clamp(record.UntilUnix))}) cannot be counted: {reason}. It counts nothing until a manager corrects or voids it "
            + $"(POST /api/v1/pools/{record.Pool}/usage/records/{recordId}/correction or /void), or its provider sends a version that can be counted.";
        var at = Clamp(record.StartUnix);
        return await flags.ApplyAsync(session, new FlagCondition(FlagKinds.QuarantinedRecord, CauseKey(recordId), null, record.PoolId, null, record.Account,
            at, Math.Max(at, Clamp(record.UntilUnix)), 1, FlagWriter.RecordsUnit, null, detail), Job, cancellationToken);
    }

    /// <summary>A flag's period must be an instant the API can write; a record out of range is shown at the range's edge.</summary>
    private static long Clamp(long unix) => Math.Clamp(unix, SupportedRange.EarliestUnix, SupportedRange.LatestUnix - 1);

    private sealed class RecordRow
    {
        public long Id { get; init; }
        public long PoolId { get; init; }
        public string Pool { get; init; } = string.Empty;
        public string ExternalId { get; init; } = string.Empty;
        public string Account { get; init; } = string.Empty;
        public long StartUnix { get; init; }
        public long UntilUnix { get; init; }
    }
}
