using NationalAiEval.Api.Auth;
using NationalAiEval.Api.Idle;
using NationalAiEval.Api.Infrastructure.Database;
using NationalAiEval.Api.Infrastructure.Http;
using NationalAiEval.Api.Pools;
using NationalAiEval.Core.Usage;
using NationalAiEval.Core.Utilisation;
using NodaTime;

namespace NationalAiEval.Api.Utilisation;

/// <summary>
/// Stores GPU utilisation readings of a pool, each attributed to the team whose work it was: through <c>hpc_job</c>, the
/// Slurm job reported for that pool and running at that moment, whose account is mapped to a team; otherwise through
/// <c>namespace</c>, looked up in the pool's account mappings like a scheduler account. A reading nobody can be found
/// for is kept without a team; it does not count towards any team's low utilisation. Readings must lie inside the pool's
/// lease cover and not in the future (<see cref="UsageBounds.CheckInstant"/>), or the scrape is refused naming the line.
/// </summary>
public sealed class DcgmWriter(Db db, IClock clock, IntakeLimits limits)
{
    private static readonly Sql Accounts = Sql.Portable("SELECT account, team_id FROM scheduler_account WHERE pool_id = @PoolId");

    private static readonly Sql RunningRecords = Sql.Portable("""
        SELECT external_id, account, start_unix, end_unix FROM usage_record
        WHERE pool_id = @PoolId AND start_unix <= @ToUnix AND (end_unix IS NULL OR end_unix >= @FromUnix)
        """);

    private static readonly Sql InsertIfAbsent = Sql.Portable("""
        INSERT INTO utilisation_sample (pool_id, gpu, at_unix, team_id, percent_milli)
        SELECT @PoolId, @Gpu, @AtUnix, @TeamId, @PercentMilli
        WHERE NOT EXISTS (SELECT 1 FROM utilisation_sample WHERE pool_id = @PoolId AND gpu = @Gpu AND at_unix = @AtUnix)
        """);

    public async Task<DcgmIngestionSummary> WriteAsync(string poolCode, DcgmScrape scrape, Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scrape);
        await using var session = await db.WriteAsync(cancellationToken);
        var pool = await session.QuerySingleOrDefaultAsync<PoolRow>(PoolSql.LockByCode, new { Code = poolCode }, cancellationToken);
        if (pool is null || !caller.MaySeePool(pool.Id))
        {
            throw Problems.NotFound("pool", poolCode);
        }

        if (scrape.Readings.Count == 0)
        {
            return new DcgmIngestionSummary(0, 0, 0, 0, 0, scrape.OtherSamples);
        }

        var cover = await LeaseCovers.LoadAsync(session, pool.Id, limits.LeaseToleranceSeconds, cancellationToken);
        var now = clock.GetCurrentInstant();
        var faults = scrape.Readings
            .Select(r => (Reading: r, Why: UsageBounds.CheckInstant(r.AtUnix, cover, limits, now)))
            .Where(f => f.Why is not null)
            .Select(f => ($"line {f.Reading.LineNumber}", $"The sample cannot be stored: {f.Why}", (int?)f.Reading.LineNumber))
            .ToList();
        if (faults.Count > 0)
        {
            throw Problems.RefusedRecords(faults);
        }

        var from = scrape.Readings.Min(r => r.AtUnix);
        var to = scrape.Readings.Max(r => r.AtUnix);
        var accounts = (await session.QueryAsync<AccountRow>(Accounts, new { PoolId = pool.Id }, cancellationToken))
            .ToDictionary(a => a.Account, a => a.TeamId, StringComparer.Ordinal);
        var jobs = (await session.QueryAsync<RecordRow>(RunningRecords, new { PoolId = pool.Id, FromUnix = from, ToUnix = to }, cancellationToken))
            .ToLookup(r => JobIdOf(r.ExternalId), StringComparer.Ordinal);

        int inserted = 0, attributed = 0;
        foreach (var reading in scrape.Readings)
        {
            var team = TeamOf(reading, jobs, accounts);
            attributed += team is null ? 0 : 1;
            inserted += await session.ExecuteAsync(InsertIfAbsent, new
            {
                PoolId = pool.Id,
                reading.Gpu,
                reading.AtUnix,
                TeamId = team,
                reading.PercentMilli,
            }, cancellationToken);
        }

        await IdleDirty.MarkHoursAsync(session, pool.Id, scrape.Readings.Select(r => r.AtUnix), cancellationToken);
        await session.CommitAsync(cancellationToken);
        var count = scrape.Readings.Count;
        return new DcgmIngestionSummary(count, inserted, count - inserted, attributed, count - attributed, scrape.OtherSamples);
    }

    private static long? TeamOf(GpuReading reading, ILookup<string, RecordRow> jobs, Dictionary<string, long> accounts)
    {
        if (reading.Job is { } job)
        {
            var running = jobs[job].FirstOrDefault(r => r.StartUnix <= reading.AtUnix && (r.EndUnix is null || r.EndUnix >= reading.AtUnix));
            if (running is not null && accounts.TryGetValue(running.Account, out var byJob))
            {
                return byJob;
            }
        }

        return reading.Namespace is { } space && accounts.TryGetValue(space, out var byNamespace) ? byNamespace : null;
    }

    /// <summary>The Slurm JobID inside an external id: sacct records are <c>[cluster/]jobid@start</c>; others are the id itself.</summary>
    private static string JobIdOf(string externalId)
    {
        var at = externalId.LastIndexOf('@');
        if (at <= 0)
        {
            return externalId;
        }

        var id = externalId[..at];
        var slash = id.IndexOf('/', StringComparison.Ordinal);
        return slash >= 0 ? id[(slash + 1)..] : id;
    }

    private sealed class AccountRow
    {
        public string Account { get; init; } = string.Empty;
        public long TeamId { get; init; }
    }

    private sealed class RecordRow
    {
        public string ExternalId { get; init; } = string.Empty;
        public string Account { get; init; } = string.Empty;
        public long StartUnix { get; init; }
        public long? EndUnix { get; init; }
    }
}
