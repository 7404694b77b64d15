using System.Globalization;
using NationalAiEval.Api.Auth;
using NationalAiEval.Api.Flags;
using NationalAiEval.Api.Infrastructure.Database;
using NationalAiEval.Api.Infrastructure.Http;
using NationalAiEval.Api.Ledger;
using NationalAiEval.Api.StaleIdleHours;
using NationalAiEval.Api.Usage;
using NationalAiEval.Api.Utilisation;
using NationalAiEval.Core.Ledger;
using NationalAiEval.Core.Usage;
using NodaTime;

namespace NationalAiEval.Api.Reconciliation;

/// <summary>
/// Turns new and changed usage records into hourly facts, ledger usage entries and flags (api-docs/DEFINITIONS.md#reconciliation).
/// Each batch is one transaction: the facts it changes, the records' "counted" state (the per-record watermark),
/// its ledger entries and its flags commit together or not at all. Batches hold an exclusive lock (SQLite's write
/// lock; an application lock on SQL Server), so two runs, on one instance or two, never count a record twice.
/// A batch is bounded by records and by the hours they span, so that its time under the lock is bounded whatever a
/// provider sent; a record that cannot be counted is quarantined (<see cref="RecordQuarantine"/>) and the others go on.
/// </summary>
public sealed class UsageReconciler(
    Db db, IClock clock, LedgerWriter ledger, UsageFlags flags, RecordQuarantine quarantine, EndForfeits forfeits, PendingReadings readings,
    IntakeLimits limits, ILogger<UsageReconciler> logger)
{
    public const int BatchSize = 20_000;

    /// <summary>
    /// Hourly buckets one batch may touch (a record's old and new versions both count). With the longest record the
    /// bounds allow (60 days: 1,441 buckets) a batch still holds over a hundred records; ordinary jobs never reach it.
    /// </summary>
    public const long MaxHourBucketsPerBatch = 250_000;

    private const int MaxSetAsideInARow = 10;

    /// <summary>A batch is bounded, so another instance's batch ends well within this; longer means something is stuck.</summary>
    private static readonly TimeSpan LockWait = TimeSpan.FromMinutes(10);

    private static readonly Sql DirtyBatch = Sql.FirstRows(
        """
        id, pool_id, account, start_unix, until_unix, gpus, revision,
        applied_revision, applied_team_id, applied_account, applied_start_unix, applied_until_unix, applied_gpus, review_state
        """,
        "FROM usage_record WHERE dirty = 1 ORDER BY id");

    private static readonly Sql InsertRun = Sql.InsertReturningId(
        "reconciliation_run", "started_unix, triggered_by, records, fact_changes, ledger_entries", "@StartedUnix, @TriggeredBy, 0, 0, 0");

    private static readonly Sql CompleteRun = Sql.Portable(
        "UPDATE reconciliation_run SET records = @Records, fact_changes = @FactChanges, ledger_entries = @LedgerEntries WHERE id = @Id");

    private static readonly Sql AddTeamFacts = AddFacts("usage_fact", "team_id", "BIGINT");

    private static readonly Sql AddUnmappedFacts = AddFacts("unmapped_usage_fact", "account", "NVARCHAR(200)");

    /// <summary>
    /// What each record counted now. On SQLite the batch holds the write lock from its first read, so the records and
    /// mappings are as they were read: each record's current values (and its account's mapped team) are what was
    /// counted, and only the ids travel; a quarantined or voided record counted nothing (no GPUs). On SQL Server
    /// ingestion may change a record meanwhile, so the counted values travel as [id, revision, team, account, start,
    /// until, gpus] and a record changed again stays dirty for the next batch.
    /// </summary>
    private static readonly Sql MarkCounted = new(
        sqlite: """
            UPDATE usage_record
            SET applied_revision = revision,
                applied_team_id = (SELECT m.team_id FROM scheduler_account m WHERE m.pool_id = usage_record.pool_id AND m.account = usage_record.account),
                applied_account = account, applied_start_unix = start_unix, applied_until_unix = until_unix,
                applied_gpus = CASE WHEN review_state IN ('quarantined', 'voided') THEN 0 ELSE gpus END, dirty = 0
            WHERE id IN (SELECT json_extract(value, '$[0]') FROM json_each(@Counted))
            """,
        sqlServer: """
            UPDATE r
            SET applied_revision = c.revision, applied_team_id = c.team_id, applied_account = c.account, applied_start_unix = c.start_unix,
                applied_until_unix = c.until_unix, applied_gpus = c.gpus, dirty = CASE WHEN r.revision = c.revision THEN 0 ELSE 1 END
            FROM usage_record r
            JOIN OPENJSON(@Counted) WITH (id BIGINT '$[0]', revision BIGINT '$[1]', team_id BIGINT '$[2]', account NVARCHAR(200) '$[3]',
                                          start_unix BIGINT '$[4]', until_unix BIGINT '$[5]', gpus BIGINT '$[6]') AS c ON r.id = c.id;
            """);

    private static readonly Caller System = Caller.System("reconcile-usage");

    /// <summary>
    /// A batch's fact deltas arrive as one JSON array of [pool, key, hour, delta] (the key: a team, or an unmapped
    /// account) and are applied by one statement: the database walks its own index instead of the driver running one
    /// upsert per fact.
    /// </summary>
    private static Sql AddFacts(string table, string key, string sqlServerKeyType) => new(
        sqlite: $"""
            INSERT INTO {table} (pool_id, {key}, hour_unix, gpu_seconds)
            SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]'), json_extract(value, '$[3]')
            FROM json_each(@Deltas) WHERE true
            ON CONFLICT (pool_id, {key}, hour_unix) DO UPDATE SET gpu_seconds = gpu_seconds + excluded.gpu_seconds
            """,
        sqlServer: $"""
            MERGE {table} WITH (HOLDLOCK) AS f
            USING OPENJSON(@Deltas) WITH (pool_id BIGINT '$[0]', {key} {sqlServerKeyType} '$[1]', hour_unix BIGINT '$[2]', delta BIGINT '$[3]') AS d
            ON f.pool_id = d.pool_id AND f.{key} = d.{key} AND f.hour_unix = d.hour_unix
            WHEN MATCHED THEN UPDATE SET gpu_seconds = f.gpu_seconds + d.delta
            WHEN NOT MATCHED THEN INSERT (pool_id, {key}, hour_unix, gpu_seconds) VALUES (d.pool_id, d.{key}, d.hour_unix, d.delta);
            """);

    private static string DeltaRows(IEnumerable<KeyValuePair<FactKey, long>> deltas, Action<System.Text.Json.Utf8JsonWriter, FactKey> writeKey) =>
        JsonRows.Write(deltas, (json, d) =>
        {
            json.WriteNumberValue(d.Key.PoolId);
            writeKey(json, d.Key);
            json.WriteNumberValue(d.Key.HourUnix);
            json.WriteNumberValue(d.Value);
        });

    /// <summary>
    /// Reconciles every waiting record, batch by batch. When a batch fails for a reason that lies in its records (not a
    /// busy database, not cancellation), its records are taken again one at a time, and one that fails alone is set
    /// aside with a flag: no record can stop the ledger for the others.
    /// </summary>
    public async Task<ReconciliationSummary> RunAsync(string triggeredBy, CancellationToken cancellationToken)
    {
        // Ends that have taken effect since they were recorded close first, so that this run's usage moves their forfeit.
        await forfeits.PostDueAsync(cancellationToken);
        var total = ReconciliationSummary.None;
        int oneAtATime = 0, failedAlone = 0;
        while (true)
        {
            ReconciliationSummary? batch;
            try
            {
                batch = await RunBatchAsync(triggeredBy, oneAtATime > 0 ? 1 : BatchSize, cancellationToken);
            }
            catch (BatchFailedException failed) when (oneAtATime == 0 && failed.Records > 1)
            {
                logger.LogWarning(failed.InnerException, "A reconciliation batch of {Records} records failed; counting them one at a time", failed.Records);
                oneAtATime = failed.Records;
                continue;
            }
            catch (BatchFailedException failed) when (failedAlone < MaxSetAsideInARow)
            {
                // Several records failing alone in a row would mean the fault is not in them: then the run fails as a whole.
                failedAlone++;
                var id = await quarantine.SetAsideFirstWaitingAsync(failed.InnerException!, cancellationToken);
                logger.LogError(failed.InnerException, "Usage record {Record} could not be counted and was quarantined", id);
                total = total.Add(ReconciliationSummary.None with { Quarantined = 1, FlagsOpened = 1 });
                oneAtATime = Math.Max(0, oneAtATime - 1);
                continue;
            }

            if (batch is null)
            {
                break;
            }

            total = total.Add(batch);
            failedAlone = 0;
            oneAtATime = Math.Max(0, oneAtATime - 1);
        }

        // Records just counted may be the jobs that GPU readings sent earlier were waiting for.
        await readings.AttributeAsync(cancellationToken);
        if (total.Records > 0)
        {
            logger.LogInformation("Reconciled {Records} usage records in {Batches} batches: {Facts} fact changes, {Entries} ledger entries",
                total.Records, total.Batches, total.FactChanges, total.LedgerEntries);
        }

        return total;
    }

    private async Task<ReconciliationSummary?> RunBatchAsync(string triggeredBy, int take, CancellationToken cancellationToken)
    {
        await using var session = await db.WriteAsync(cancellationToken);
        await AppLocks.TakeAsync(session, AppLocks.ReconcileUsage, LockWait, cancellationToken);

        var records = await session.ReadRowsAsync(DirtyBatch, new { Take = take }, DirtyRecord.Read, cancellationToken);
        if (records.Count == 0)
        {
            return null;
        }

        try
        {
            return await CountAsync(session, records, triggeredBy, cancellationToken);
        }
        catch (Exception ex) when (LiesInTheRecords(ex, cancellationToken))
        {
            throw new BatchFailedException(records.Count, ex);
        }
    }

    private async Task<ReconciliationSummary> CountAsync(DbSession session, List<DirtyRecord> waiting, string triggeredBy, CancellationToken cancellationToken)
    {
        var data = await ReconciliationData.LoadAsync(session, cancellationToken);
        var deltas = new Dictionary<FactKey, long>();
        var records = new List<DirtyRecord>(waiting.Count);
        var counted = new List<(DirtyRecord Record, CountedUsage Usage)>(waiting.Count);
        var quarantined = new List<(long Id, string Reason)>();
        long buckets = 0;
        foreach (var record in waiting)
        {
            var why = record.ReviewState is null or UsageReview.Corrected
                ? UsageBounds.WhyNotCountable(record.StartUnix, record.UntilUnix, record.Gpus, data.PeakGpus.GetValueOrDefault(record.PoolId), limits)
                : null;
            var counts = UsageReview.Counts(record.ReviewState) && why is null;
            var cost = Buckets(record.Applied) + (counts ? Buckets(record.StartUnix, record.UntilUnix) : 0);
            if (records.Count > 0 && buckets + cost > MaxHourBucketsPerBatch)
            {
                break; // the rest waits for the next batch
            }

            buckets += cost;
            records.Add(record);
            if (why is not null)
            {
                quarantined.Add((record.Id, why));
            }

            // What a record that does not count counts: nothing (its earlier version, if any, is taken out).
            var team = data.MappedTeams.TryGetValue((record.PoolId, record.Account), out var mapped) ? mapped : (long?)null;
            var usage = new CountedUsage(team, record.Account, record.StartUnix, record.UntilUnix, counts ? record.Gpus : 0);
            FactDeltas.Accumulate(deltas, record.PoolId, record.Applied, usage);
            counted.Add((record, usage));
        }

        var flagChanges = default(FlagChanges);
        foreach (var (id, reason) in quarantined)
        {
            flagChanges = flagChanges.Add(await quarantine.QuarantineAsync(session, id, reason, cancellationToken));
        }

        flagChanges = flagChanges.Add(await quarantine.ResolveAsync(session,
            records.Where(r => r.ReviewState is not UsageReview.Quarantined && quarantined.All(q => q.Id != r.Id)).Select(r => r.Id).ToList(), cancellationToken));

        var runId = await session.QuerySingleAsync<long>(InsertRun,
            new { StartedUnix = Unix.Seconds(clock.GetCurrentInstant()), TriggeredBy = triggeredBy }, cancellationToken);
        await session.ExecuteAsync(AddTeamFacts, new { Deltas = DeltaRows(deltas.Where(d => d.Key.TeamId is not null), (json, key) => json.WriteNumberValue(key.TeamId!.Value)) },
            cancellationToken);
        await session.ExecuteAsync(AddUnmappedFacts, new { Deltas = DeltaRows(deltas.Where(d => d.Key.TeamId is null), (json, key) => json.WriteStringValue(key.Account)) },
            cancellationToken);

        // The idle facts of the hours these deltas touched are stale now; detect-idle recomputes them.
        foreach (var pool in deltas.Keys.GroupBy(k => k.PoolId))
        {
            await IdleDirty.MarkHoursAsync(session, pool.Key, pool.Select(k => k.HourUnix), cancellationToken);
        }

        await session.ExecuteAsync(MarkCounted, new
        {
            Counted = JsonRows.Write(counted, (json, c) =>
        {
            json.WriteNumberValue(c.Record.Id);
            json.WriteNumberValue(c.Record.Revision);
            if (c.Usage.TeamId is { } team)
            {
                json.WriteNumberValue(team);
            }
            else
            {
                json.WriteNullValue();
            }

            json.WriteStringValue(c.Usage.Account);
            json.WriteNumberValue(c.Usage.StartUnix);
            json.WriteNumberValue(c.Usage.UntilUnix);
            json.WriteNumberValue(c.Usage.Gpus);
        })
        }, cancellationToken);

        var (entries, touched) = await PostLedgerAsync(session, runId, deltas, data, cancellationToken);
        var flagged = flagChanges.Add(await flags.EvaluateAsync(session, deltas.Keys, touched, data, cancellationToken));
        await session.ExecuteAsync(CompleteRun, new { Id = runId, Records = records.Count, FactChanges = deltas.Count, LedgerEntries = entries }, cancellationToken);
        await session.CommitAsync(cancellationToken);
        return new ReconciliationSummary(1, records.Count, deltas.Count, entries, flagged.Opened, flagged.Updated, flagged.Resolved, quarantined.Count);
    }

    private static long Buckets(CountedUsage? usage) => usage is null || usage.Gpus == 0 ? 0 : Buckets(usage.StartUnix, usage.UntilUnix);

    /// <summary>UTC hours [start, until) touches; a span out of every bound counts as more than a batch may hold.</summary>
    private static long Buckets(long startUnix, long untilUnix) =>
        untilUnix <= startUnix ? 0 : (untilUnix - startUnix > 100L * 366 * 86_400 ? long.MaxValue / 4 : ((untilUnix - 1 - HourlyBuckets.HourOf(startUnix)) / HourlyBuckets.HourSeconds) + 1);

    /// <summary>
    /// Whether a failed batch failed because of what it read: anything but cancellation, a lock wait or a database that
    /// is busy or unreachable. Those end the run and are retried as a whole by the next one.
    /// </summary>
    private static bool LiesInTheRecords(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        OperationCanceledException or TimeoutException => false,
        Microsoft.Data.Sqlite.SqliteException sqlite => sqlite.SqliteErrorCode is 19 or 20 or 25, // constraint, mismatch, range
        Microsoft.Data.SqlClient.SqlException sqlServer => sqlServer.Number is 547 or 2627 or 2601 or 8115 or 220 or 515,
        global::System.Data.Common.DbException => false,
        _ => !cancellationToken.IsCancellationRequested,
    };

    /// <summary>A batch whose counting failed; <see cref="Records"/> says how many records it held.</summary>
    private sealed class BatchFailedException(int records, Exception inner) : Exception("A reconciliation batch failed.", inner)
    {
        public int Records { get; } = records;
    }

    /// <summary>
    /// One usage entry per participation per batch: the equivalent of the fact deltas charged to it. For a participation
    /// whose closing forfeit is posted, usage from before the end also moves its forfeit by the same amount, so its
    /// balance stays zero.
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
            if (data.Forfeited.Contains(id))
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
        public string? ReviewState { get; init; }

        /// <summary>A row of <see cref="DirtyBatch"/>, by column position.</summary>
        public static DirtyRecord Read(System.Data.Common.DbDataReader row) => new()
        {
            Id = row.GetInt64(0),
            PoolId = row.GetInt64(1),
            Account = row.GetString(2),
            StartUnix = row.GetInt64(3),
            UntilUnix = row.GetInt64(4),
            Gpus = row.GetInt64(5),
            Revision = row.GetInt64(6),
            AppliedRevision = row.IsDBNull(7) ? null : row.GetInt64(7),
            AppliedTeamId = row.IsDBNull(8) ? null : row.GetInt64(8),
            AppliedAccount = row.IsDBNull(9) ? null : row.GetString(9),
            AppliedStartUnix = row.IsDBNull(10) ? null : row.GetInt64(10),
            AppliedUntilUnix = row.IsDBNull(11) ? null : row.GetInt64(11),
            AppliedGpus = row.IsDBNull(12) ? null : row.GetInt64(12),
            ReviewState = row.IsDBNull(13) ? null : row.GetString(13),
        };

        /// <summary>What the facts hold of this record now, or null when it was never counted.</summary>
        public CountedUsage? Applied => AppliedRevision is null
            ? null
            : new CountedUsage(AppliedTeamId, AppliedAccount ?? Account, AppliedStartUnix ?? 0, AppliedUntilUnix ?? 0, AppliedGpus ?? 0);
    }
}
