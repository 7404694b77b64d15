using System.Globalization;
using NationalAiEval.Api.Auth;
using NationalAiEval.Api.Flags;
using NationalAiEval.Api.Idle;
using NationalAiEval.Api.Infrastructure.Database;
using NationalAiEval.Api.Infrastructure.Http;
using NationalAiEval.Api.Ledger;
using NationalAiEval.Core.Ledger;
using NationalAiEval.Core.Usage;
using NodaTime;

namespace NationalAiEval.Api.Reconciliation;

/// <summary>
/// Turns new and changed usage records into hourly facts, ledger usage entries and flags (DESIGN section 7).
/// Each batch is one transaction: the facts it changes, the records' "counted" state (the per-record watermark),
/// its ledger entries and its flags commit together or not at all. Batches hold an exclusive lock (SQLite's write
/// lock; an application lock on SQL Server), so two runs, on one instance or two, never count a record twice.
/// </summary>
public sealed class UsageReconciler(Db db, IClock clock, LedgerWriter ledger, UsageFlags flags, ILogger<UsageReconciler> logger)
{
    public const int BatchSize = 5_000;

    private static readonly Sql AcquireLock = new(
        sqlite: "SELECT 0",
        sqlServer: "DECLARE @result INT; EXEC @result = sp_getapplock @Resource = N'nationalaieval-reconcile-usage', @LockMode = N'Exclusive', @LockOwner = N'Transaction', @LockTimeout = 600000; SELECT @result;");

    private static readonly Sql DirtyBatch = Sql.FirstRows(
        """
        id, pool_id, account, start_unix, until_unix, gpus, revision,
        applied_revision, applied_team_id, applied_account, applied_start_unix, applied_until_unix, applied_gpus
        """,
        "FROM usage_record WHERE dirty = 1 ORDER BY id");

    private static readonly Sql InsertRun = Sql.InsertReturningId(
        "reconciliation_run", "started_unix, triggered_by, records, fact_changes, ledger_entries", "@StartedUnix, @TriggeredBy, 0, 0, 0");

    private static readonly Sql CompleteRun = Sql.Portable(
        "UPDATE reconciliation_run SET records = @Records, fact_changes = @FactChanges, ledger_entries = @LedgerEntries WHERE id = @Id");

    private static readonly Sql AddTeamFact = new(
        sqlite: """
            INSERT INTO usage_fact (pool_id, team_id, hour_unix, gpu_seconds) VALUES (@PoolId, @TeamId, @HourUnix, @Delta)
            ON CONFLICT (pool_id, team_id, hour_unix) DO UPDATE SET gpu_seconds = gpu_seconds + excluded.gpu_seconds
            """,
        sqlServer: """
            UPDATE usage_fact SET gpu_seconds = gpu_seconds + @Delta WHERE pool_id = @PoolId AND team_id = @TeamId AND hour_unix = @HourUnix;
            IF @@ROWCOUNT = 0 INSERT INTO usage_fact (pool_id, team_id, hour_unix, gpu_seconds) VALUES (@PoolId, @TeamId, @HourUnix, @Delta);
            """);

    private static readonly Sql AddUnmappedFact = new(
        sqlite: """
            INSERT INTO unmapped_usage_fact (pool_id, account, hour_unix, gpu_seconds) VALUES (@PoolId, @Account, @HourUnix, @Delta)
            ON CONFLICT (pool_id, account, hour_unix) DO UPDATE SET gpu_seconds = gpu_seconds + excluded.gpu_seconds
            """,
        sqlServer: """
            UPDATE unmapped_usage_fact SET gpu_seconds = gpu_seconds + @Delta WHERE pool_id = @PoolId AND account = @Account AND hour_unix = @HourUnix;
            IF @@ROWCOUNT = 0 INSERT INTO unmapped_usage_fact (pool_id, account, hour_unix, gpu_seconds) VALUES (@PoolId, @Account, @HourUnix, @Delta);
            """);

    /// <summary>A record changed again while this batch ran (SQL Server) stays dirty, and is counted by the next batch.</summary>
    private static readonly Sql MarkCounted = Sql.Portable("""
        UPDATE usage_record
        SET applied_revision = @Revision, applied_team_id = @TeamId, applied_account = @Account, applied_start_unix = @StartUnix,
            applied_until_unix = @UntilUnix, applied_gpus = @Gpus, dirty = CASE WHEN revision = @Revision THEN 0 ELSE 1 END
        WHERE id = @Id
        """);

    private static readonly Caller System = Caller.System("reconcile-usage");

    public async Task<ReconciliationSummary> RunAsync(string triggeredBy, CancellationToken cancellationToken)
    {
        var total = ReconciliationSummary.None;
        while (await RunBatchAsync(triggeredBy, cancellationToken) is { } batch)
        {
            total = total.Add(batch);
        }

        if (total.Records > 0)
        {
            logger.LogInformation("Reconciled {Records} usage records in {Batches} batches: {Facts} fact changes, {Entries} ledger entries",
                total.Records, total.Batches, total.FactChanges, total.LedgerEntries);
        }

        return total;
    }

    private async Task<ReconciliationSummary?> RunBatchAsync(string triggeredBy, CancellationToken cancellationToken)
    {
        await using var session = await db.WriteAsync(cancellationToken);
        if (await session.ExecuteScalarAsync<int>(AcquireLock, cancellationToken: cancellationToken) < 0)
        {
            throw new TimeoutException("Another reconciliation held the lock for ten minutes.");
        }

        var records = (await session.QueryAsync<DirtyRecord>(DirtyBatch, new { Take = BatchSize }, cancellationToken)).ToList();
        if (records.Count == 0)
        {
            return null;
        }

        var data = await ReconciliationData.LoadAsync(session, cancellationToken);
        var deltas = new Dictionary<FactKey, long>();
        var counted = new List<(DirtyRecord Record, CountedUsage Usage)>(records.Count);
        foreach (var record in records)
        {
            var team = data.MappedTeams.TryGetValue((record.PoolId, record.Account), out var mapped) ? mapped : (long?)null;
            var usage = new CountedUsage(team, record.Account, record.StartUnix, record.UntilUnix, record.Gpus);
            FactDeltas.Accumulate(deltas, record.PoolId, record.Applied, usage);
            counted.Add((record, usage));
        }

        var runId = await session.QuerySingleAsync<long>(InsertRun,
            new { StartedUnix = Unix.Seconds(clock.GetCurrentInstant()), TriggeredBy = triggeredBy }, cancellationToken);
        foreach (var (key, delta) in deltas)
        {
            await session.ExecuteAsync(key.TeamId is null ? AddUnmappedFact : AddTeamFact,
                new { key.PoolId, key.TeamId, key.Account, key.HourUnix, Delta = delta }, cancellationToken);
        }

        // The idle facts of the hours these deltas touched are stale now; detect-idle recomputes them.
        foreach (var pool in deltas.Keys.GroupBy(k => k.PoolId))
        {
            await IdleDirty.MarkAsync(session, pool.Key, pool.Min(k => k.HourUnix), pool.Max(k => k.HourUnix) + HourlyBuckets.HourSeconds, cancellationToken);
        }

        foreach (var (record, usage) in counted)
        {
            await session.ExecuteAsync(MarkCounted, new
            {
                record.Id,
                record.Revision,
                usage.TeamId,
                usage.Account,
                usage.StartUnix,
                usage.UntilUnix,
                usage.Gpus,
            }, cancellationToken);
        }

        var (entries, touched) = await PostLedgerAsync(session, runId, deltas, data, cancellationToken);
        var flagged = await flags.EvaluateAsync(session, deltas.Keys, touched, data, cancellationToken);
        await session.ExecuteAsync(CompleteRun, new { Id = runId, Records = records.Count, FactChanges = deltas.Count, LedgerEntries = entries }, cancellationToken);
        await session.CommitAsync(cancellationToken);
        return new ReconciliationSummary(1, records.Count, deltas.Count, entries, flagged.Opened, flagged.Updated, flagged.Resolved);
    }

    /// <summary>
    /// One usage entry per participation per batch: the equivalent of the fact deltas charged to it. For a participation
    /// that has ended, usage from before the end also moves its forfeit by the same amount, so its balance stays zero.
    /// </summary>
    private async Task<(int Entries, IReadOnlySet<long> Participations)> PostLedgerAsync(
        DbSession session, long runId, Dictionary<FactKey, long> deltas, ReconciliationData data, CancellationToken cancellationToken)
    {
        var usage = new Dictionary<PayingParticipation, long>();
        foreach (var (key, delta) in deltas)
        {
            if (key.TeamId is not { } team)
            {
                continue;
            }

            var (kind, payer, milliEghSeconds) = data.Charge(team, key.PoolId, key.HourUnix, delta);
            if (kind == HourAttribution.Charged && payer is not null)
            {
                usage[payer] = checked(usage.GetValueOrDefault(payer) + milliEghSeconds);
            }
        }

        var entries = 0;
        var run = runId.ToString(CultureInfo.InvariantCulture);
        foreach (var (participation, amount) in usage.Where(u => u.Value != 0))
        {
            var id = participation.ParticipationId;
            var postings = new List<LedgerPosting>
            {
                new(LedgerResource.Gpu, LedgerKind.Usage, checked(-amount), $"usage:run-{run}:participation-{id}", $"usage counted by reconciliation run {run}"),
            };
            if (participation.EndedUnix is not null)
            {
                postings.Add(new(LedgerResource.Gpu, LedgerKind.Forfeit, amount, $"forfeit-adjustment:run-{run}:participation-{id}",
                    "usage from before the end, reported late, reduces the forfeit"));
            }

            entries += await ledger.PostAsync(session, id, postings, System, cancellationToken);
        }

        return (entries, usage.Keys.Select(p => p.ParticipationId).ToHashSet());
    }

    private sealed class DirtyRecord
    {
        public long Id { get; init; }
        public long PoolId { get; init; }
        public string Account { get; init; } = string.Empty;
        public long StartUnix { get; init; }
        public long UntilUnix { get; init; }
        public long Gpus { get; init; }
        public long Revision { get; init; }
        public long? AppliedRevision { get; init; }
        public long? AppliedTeamId { get; init; }
        public string? AppliedAccount { get; init; }
        public long? AppliedStartUnix { get; init; }
        public long? AppliedUntilUnix { get; init; }
        public long? AppliedGpus { get; init; }

        /// <summary>What the facts hold of this record now, or null when it was never counted.</summary>
        public CountedUsage? Applied => AppliedRevision is null
            ? null
            : new CountedUsage(AppliedTeamId, AppliedAccount ?? Account, AppliedStartUnix ?? 0, AppliedUntilUnix ?? 0, AppliedGpus ?? 0);
    }
}
