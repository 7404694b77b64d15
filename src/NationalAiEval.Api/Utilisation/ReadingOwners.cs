using NationalAiEval.Api.Infrastructure.Database;

namespace NationalAiEval.Api.Utilisation;

/// <summary>
/// Whose work a GPU reading on a pool was: through its <c>hpc_job</c> label, the Slurm job reported for that pool and
/// running at that moment, whose account is mapped to a team; otherwise through its <c>namespace</c>, looked up in the
/// pool's account mappings like a scheduler account. Loaded once for a pool and a span of readings.
/// </summary>
public sealed class ReadingOwners
{
    private static readonly Sql Accounts = Sql.Portable("SELECT account, team_id FROM scheduler_account WHERE pool_id = @PoolId");

    private static readonly Sql RunningRecords = Sql.Portable("""
        SELECT COALESCE(job_id, external_id) AS job_id, account, start_unix, end_unix FROM usage_record
        WHERE pool_id = @PoolId AND start_unix <= @ToUnix AND (end_unix IS NULL OR end_unix >= @FromUnix)
        """);

    private readonly Dictionary<string, long> _accounts;
    private readonly ILookup<string, RecordRow> _jobs;

    private ReadingOwners(Dictionary<string, long> accounts, ILookup<string, RecordRow> jobs)
    {
        _accounts = accounts;
        _jobs = jobs;
    }

    public static async Task<ReadingOwners> LoadAsync(DbSession session, long poolId, long fromUnix, long toUnix, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        var accounts = (await session.QueryAsync<AccountRow>(Accounts, new { PoolId = poolId }, cancellationToken))
            .ToDictionary(a => a.Account, a => a.TeamId, StringComparer.Ordinal);
        var jobs = (await session.QueryAsync<RecordRow>(RunningRecords, new { PoolId = poolId, FromUnix = fromUnix, ToUnix = toUnix }, cancellationToken))
            .ToLookup(r => r.JobId, StringComparer.Ordinal);
        return new ReadingOwners(accounts, jobs);
    }

    public long? TeamOf(string? job, string? space, long atUnix)
    {
        if (job is not null)
        {
            var running = _jobs[job].FirstOrDefault(r => r.StartUnix <= atUnix && (r.EndUnix is null || r.EndUnix >= atUnix));
            if (running is not null && _accounts.TryGetValue(running.Account, out var byJob))
            {
                return byJob;
            }
        }

        return space is not null && _accounts.TryGetValue(space, out var byNamespace) ? byNamespace : null;
    }

    private sealed class AccountRow
    {
        public string Account { get; init; } = string.Empty;
        public long TeamId { get; init; }
    }

    private sealed class RecordRow
    {
        public string JobId { get; init; } = string.Empty;
        public string Account { get; init; } = string.Empty;
        public long StartUnix { get; init; }
        public long? EndUnix { get; init; }
    }
}
