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
    public const int BatchSize = 20_000;

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

    private static readonly Sql AddTeamFacts = AddFacts("usage_fact", "team_id", "BIGINT");

    private static readonly Sql AddUnmappedFacts = AddFacts("unmapped_usage_fact", "account", "NVARCHAR(200)");

    /// <summary>
    /// What each record counted now. On SQLite the batch holds the write lock from its first read, so the records and
    /// mappings are as they were read: each record's current values (and its account's mapped team) are what was
    /// counted, and only the ids travel. On SQL Server ingestion may change a record meanwhile, so the counted values
    /// travel as [id, revision, team, account, start, until, gpus] and a record changed again stays dirty for the next
    /// batch.
    /// </summary>
    private static readonly Sql MarkCounted = new(
        sqlite: """
            UPDATE usage_record
            SET applied_revision = revision,
                applied_team_id = (SELECT m.team_id FROM scheduler_account m WHERE m.pool_id = usage_record.pool_id AND m.account = usage_record.account),
                applied_account = account, applied_start_unix = start_unix, applied_until_unix = until_unix, applied_gpus = gpus, dirty = 0
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

        var records = await session.ReadRowsAsync(DirtyBatch, new { Take = BatchSize }, DirtyRecord.Read, cancellationToken);
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
        await session.ExecuteAsync(AddTeamFacts, new { Deltas = DeltaRows(deltas.Where(d => d.Key.TeamId is not null), (json, key) => json.WriteNumberValue(key.TeamId!.Value)) },
            cancellationToken);
        await session.ExecuteAsync(AddUnmappedFacts, new { Deltas = DeltaRows(deltas.Where(d => d.Key.TeamId is null), (json, key) => json.WriteStringValue(key.Account)) },
            cancellationToken);

        // The idle facts of the hours these deltas touched are stale now; detect-idle recomputes them.
        foreach (var pool in deltas.Keys.GroupBy(k => k.PoolId))
        {
            await IdleDirty.MarkAsync(session, pool.Key, pool.Min(k => k.HourUnix), pool.Max(k => k.HourUnix) + HourlyBuckets.HourSeconds, cancellationToken);
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
        };

        /// <summary>What the facts hold of this record now, or null when it was never counted.</summary>
        public CountedUsage? Applied => AppliedRevision is null
            ? null
            : new CountedUsage(AppliedTeamId, AppliedAccount ?? Account, AppliedStartUnix ?? 0, AppliedUntilUnix ?? 0, AppliedGpus ?? 0);
    }
}
