using NationalAiEval.Api.Auth;
using NationalAiEval.Api.Infrastructure.Database;
using NationalAiEval.Api.Infrastructure.Http;
using NationalAiEval.Api.Pools;
using NationalAiEval.Core.Usage;
using NodaTime;

namespace NationalAiEval.Api.Usage;

/// <summary>
/// Stores usage records for a pool, idempotent on (pool, external id): a record seen before with the same values
/// changes nothing; a changed one gets a new revision and is marked for reconciliation, which moves the facts and the
/// ledger by the difference. One transaction per batch, under the pool's lock, so two clients sending the same
/// batch at once cannot both insert it. Every record is first checked against the intake bounds
/// (<see cref="UsageBounds"/>, with the pool's leases): one record out of bounds refuses the whole batch, naming it,
/// and nothing is stored. A record a manager corrected or voided keeps the manager's decision.
/// </summary>
public sealed class UsageWriter(Db db, IClock clock, IntakeLimits limits)
{
    private static readonly Sql Existing = Sql.Portable("""
        SELECT id, account, start_unix, end_unix, until_unix, gpus, review_state FROM usage_record WHERE pool_id = @PoolId AND external_id = @ExternalId
        """);

    /// <summary>
    /// Inserts a record unless its (pool, external id) is known: one statement per new record, the common case. Under
    /// the pool's lock, so no other writer can insert the same id in between (SQL Server: the pool row's UPDLOCK).
    /// </summary>
    private static readonly Sql InsertIfNew = new(
        sqlite: """
            INSERT INTO usage_record (pool_id, external_id, account, start_unix, end_unix, until_unix, gpus, gpu_seconds, source, revision, received_unix, dirty, job_id)
            VALUES (@PoolId, @ExternalId, @Account, @StartUnix, @EndUnix, @UntilUnix, @Gpus, @GpuSeconds, @Source, 1, @ReceivedUnix, 1, @JobId)
            ON CONFLICT (pool_id, external_id) DO NOTHING
            """,
        sqlServer: """
            INSERT INTO usage_record (pool_id, external_id, account, start_unix, end_unix, until_unix, gpus, gpu_seconds, source, revision, received_unix, dirty, job_id)
            SELECT @PoolId, @ExternalId, @Account, @StartUnix, @EndUnix, @UntilUnix, @Gpus, @GpuSeconds, @Source, 1, @ReceivedUnix, 1, @JobId
            WHERE NOT EXISTS (SELECT 1 FROM usage_record WHERE pool_id = @PoolId AND external_id = @ExternalId)
            """);

    /// <summary>A provider's new version also lifts a quarantine: the record is counted again if it now can be.</summary>
    private static readonly Sql Update = Sql.Portable("""
        UPDATE usage_record
        SET account = @Account, start_unix = @StartUnix, end_unix = @EndUnix, until_unix = @UntilUnix, gpus = @Gpus, gpu_seconds = @GpuSeconds,
            source = @Source, revision = revision + 1, received_unix = @ReceivedUnix, dirty = 1,
            review_state = NULL, review_reason = NULL, reviewed_unix = NULL, reviewed_by = NULL
        WHERE id = @Id
        """);

    public async Task<IngestionSummary> WriteAsync(
        string poolCode, IReadOnlyList<IncomingUsage> records, string source, Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        await using var session = await db.WriteAsync(cancellationToken);
        var pool = await session.QuerySingleOrDefaultAsync<PoolRow>(PoolSql.LockByCode, new { Code = poolCode }, cancellationToken);
        if (pool is null || !caller.MaySeePool(pool.Id))
        {
            throw Problems.NotFound("pool", poolCode);
        }

        var now = clock.GetCurrentInstant();
        await CheckBoundsAsync(session, pool.Id, records, now, cancellationToken);
        var received = Unix.Seconds(now);
        int inserted = 0, updated = 0, unchanged = 0, stale = 0, overridden = 0;
        using var insert = session.Prepare(InsertIfNew,
            "PoolId", "ExternalId", "Account", "StartUnix", "EndUnix", "UntilUnix", "Gpus", "GpuSeconds", "Source", "ReceivedUnix", "JobId");
        insert.Set(0, pool.Id).Set(8, source).Set(9, received);
        foreach (var record in records)
        {
            insert.Set(1, record.ExternalId).Set(2, record.Account).Set(3, record.StartUnix).Set(4, record.EndUnix).Set(5, record.UntilUnix)
                .Set(6, record.Gpus).Set(7, record.GpuSeconds).Set(10, record.SchedulerJobId);
            if (await insert.ExecuteAsync(cancellationToken) == 1)
            {
                inserted++;
                continue;
            }

            var current = await session.QuerySingleAsync<StoredRecord>(Existing, new { PoolId = pool.Id, record.ExternalId }, cancellationToken);
            if (current.ReviewState is UsageReview.Voided or UsageReview.Corrected)
            {
                // A manager's decision on this record stands: the provider's version is reported, not applied.
                overridden++;
            }
            else if (current.Matches(record))
            {
                unchanged++;
            }
            else if (current.EndUnix is not null && record.EndUnix is null)
            {
                // A running snapshot that arrives after the job's final line must not undo the final line.
                stale++;
            }
            else
            {
                await session.ExecuteAsync(Update, new
                {
                    current.Id,
                    record.Account,
                    record.StartUnix,
                    record.EndUnix,
                    record.UntilUnix,
                    record.Gpus,
                    record.GpuSeconds,
                    Source = source,
                    ReceivedUnix = received,
                }, cancellationToken);
                updated++;
            }
        }

        await session.CommitAsync(cancellationToken);
        return new IngestionSummary(records.Count, inserted, updated, unchanged, stale, overridden);
    }

    /// <summary>Every record against the bounds, with this pool's lease cover; all faults named at once, nothing stored.</summary>
    private async Task CheckBoundsAsync(DbSession session, long poolId, IReadOnlyList<IncomingUsage> records, Instant now, CancellationToken cancellationToken)
    {
        var cover = await LeaseCovers.LoadAsync(session, poolId, limits.LeaseToleranceSeconds, cancellationToken);
        var faults = new List<(string Key, string Message, int? Line)>();
        foreach (var record in records)
        {
            foreach (var fault in UsageBounds.Check(record.Candidate, cover, limits, now))
            {
                faults.Add((record.Origin.Key(fault.Field), record.Origin.Message(fault.Field, fault.Message), record.Origin.Line));
            }
        }

        if (faults.Count > 0)
        {
            throw Problems.RefusedRecords(faults);
        }
    }

    private sealed class StoredRecord
    {
        public long Id { get; init; }
        public string Account { get; init; } = string.Empty;
        public long StartUnix { get; init; }
        public long? EndUnix { get; init; }
        public long UntilUnix { get; init; }
        public long Gpus { get; init; }
        public string? ReviewState { get; init; }

        public bool Matches(IncomingUsage record) =>
            Account == record.Account && StartUnix == record.StartUnix && EndUnix == record.EndUnix && UntilUnix == record.UntilUnix && Gpus == record.Gpus;
    }
}
