using NationalAiEval.Api.Auth;
using NationalAiEval.Api.Infrastructure.Database;
using NationalAiEval.Api.Infrastructure.Http;
using NationalAiEval.Api.Pools;
using NationalAiEval.Api.StaleIdleHours;
using NationalAiEval.Api.Usage;
using NationalAiEval.Core.Usage;
using NationalAiEval.Core.Utilisation;
using NodaTime;

namespace NationalAiEval.Api.Utilisation;

/// <summary>
/// Stores GPU utilisation readings of a pool, each attributed to the team whose work it was: through <c>hpc_job</c>, the
/// Slurm job reported for that pool and running at that moment, whose account is mapped to a team; otherwise through
/// <c>namespace</c>, looked up in the pool's account mappings like a scheduler account. A reading nobody can be found
/// for is kept without a team, with its job and namespace, until its job's record or its namespace's mapping arrives
/// (<see cref="PendingReadings"/>); until then it counts towards no team's low utilisation. Readings must lie inside the pool's
/// lease cover and not in the future (<see cref="UsageBounds.CheckInstant"/>), or the scrape is refused naming the line.
/// </summary>
public sealed class DcgmWriter(Db db, IClock clock, IntakeLimits limits)
{
    private static readonly Sql InsertIfAbsent = Sql.Portable("""
        INSERT INTO utilisation_sample (pool_id, gpu, at_unix, team_id, percent_milli, job, namespace)
        SELECT @PoolId, @Gpu, @AtUnix, @TeamId, @PercentMilli, @Job, @Namespace
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
        var owners = await ReadingOwners.LoadAsync(session, pool.Id, from, to, cancellationToken);
        int inserted = 0, attributed = 0;
        foreach (var reading in scrape.Readings)
        {
            var team = owners.TeamOf(reading.Job, reading.Namespace, reading.AtUnix);
            var stored = await session.ExecuteAsync(InsertIfAbsent, new
            {
                PoolId = pool.Id,
                reading.Gpu,
                reading.AtUnix,
                TeamId = team,
                reading.PercentMilli,
                reading.Job,
                reading.Namespace,
            }, cancellationToken);

            // The answer counts what this upload stored: a reading sent again is a duplicate, attributed or not.
            inserted += stored;
            attributed += team is null ? 0 : stored;
        }

        await IdleDirty.MarkHoursAsync(session, pool.Id, scrape.Readings.Select(r => r.AtUnix), cancellationToken);
        await session.CommitAsync(cancellationToken);
        var count = scrape.Readings.Count;
        return new DcgmIngestionSummary(count, inserted, count - inserted, attributed, inserted - attributed, scrape.OtherSamples);
    }
}
