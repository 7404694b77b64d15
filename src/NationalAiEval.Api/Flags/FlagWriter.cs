using NationalAiEval.Api.Infrastructure.Database;
using NationalAiEval.Api.Infrastructure.Http;
using NodaTime;

namespace NationalAiEval.Api.Flags;

/// <summary>A condition found by a job: its cause key, what it concerns, and how large it is (zero when it has cleared).</summary>
public sealed record FlagCondition(
    string Kind, string CauseKey, long? TeamId, long? PoolId, long? ParticipationId, string? Account, long PeriodStartUnix, long PeriodEndUnix,
    long Amount, string Unit, long? Krw, string Detail);

public readonly record struct FlagChanges(int Opened, int Updated, int Resolved)
{
    public FlagChanges Add(FlagChanges other) => new(Opened + other.Opened, Updated + other.Updated, Resolved + other.Resolved);
}

/// <summary>
/// Keeps flags in step with conditions inside the caller's transaction: opens a flag when a condition appears, updates
/// it while it changes, resolves it when it clears. At most one live flag exists per cause key (a unique index says so
/// too); a flag a person resolved stays resolved, and new evidence for the same cause opens a new one.
/// </summary>
public sealed class FlagWriter(IClock clock)
{
    public const string GpuSecondsUnit = "gpu-seconds";
    public const string MilliEghSecondsUnit = "milli-egh-seconds";

    /// <summary>A count of GPUs, for conditions about capacity rather than time (a lease ending).</summary>
    public const string GpusUnit = "gpus";

    /// <summary>A count of usage records, for conditions about a record rather than an amount of time (a quarantined record).</summary>
    public const string RecordsUnit = "records";

    private static readonly Sql LiveOfKind = Sql.Portable("SELECT cause_key FROM flag WHERE kind = @Kind AND status <> 'resolved'");

    private static readonly Sql Live = Sql.Portable(
        "SELECT id, cause_key, amount, krw, detail, period_start_unix, period_end_unix FROM flag WHERE cause_key = @CauseKey AND status <> 'resolved'");

    private static readonly Sql LiveOfTeamOnPool = Sql.Portable("""
        SELECT id, cause_key, amount, krw, detail, period_start_unix, period_end_unix FROM flag
        WHERE team_id = @TeamId AND pool_id = @PoolId AND status <> 'resolved' AND period_start_unix >= @FromUnix AND period_start_unix < @ToUnix
        """);

    private static readonly Sql Open = Sql.Portable("""
        INSERT INTO flag (kind, cause_key, team_id, pool_id, participation_id, account, period_start_unix, period_end_unix, amount, unit, krw, detail,
                          status, opened_unix, updated_unix)
        VALUES (@Kind, @CauseKey, @TeamId, @PoolId, @ParticipationId, @Account, @PeriodStartUnix, @PeriodEndUnix, @Amount, @Unit, @Krw, @Detail,
                'open', @Now, @Now)
        """);

    private static readonly Sql Refresh = Sql.Portable("""
        UPDATE flag SET amount = @Amount, krw = @Krw, detail = @Detail, period_start_unix = @PeriodStartUnix, period_end_unix = @PeriodEndUnix, updated_unix = @Now
        WHERE id = @Id
        """);

    private static readonly Sql ResolveCleared = Sql.Portable("""
        UPDATE flag SET status = 'resolved', resolved_unix = @Now, resolved_by = @By, resolution = @Resolution, updated_unix = @Now WHERE id = @Id
        """);

    public async Task<FlagChanges> ApplyAsync(DbSession session, FlagCondition condition, string job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(condition);
        var live = await session.QuerySingleOrDefaultAsync<LiveFlag>(Live, new { condition.CauseKey }, cancellationToken);
        return await ApplyAsync(session, condition, live, job, cancellationToken);
    }

    /// <summary>
    /// The live flags about a team on a pool whose period starts in [from, to), by cause key: read once for many
    /// conditions, so that a batch touching thousands of team-days does not look each one up.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, LiveFlag>> LiveOfTeamOnPoolAsync(
        DbSession session, long teamId, long poolId, long fromUnix, long toUnix, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        var rows = await session.QueryAsync<LiveFlag>(LiveOfTeamOnPool, new { TeamId = teamId, PoolId = poolId, FromUnix = fromUnix, ToUnix = toUnix }, cancellationToken);
        return rows.ToDictionary(r => r.CauseKey, StringComparer.Ordinal);
    }

    /// <summary>Applies a condition whose live flag (or its absence) the caller has already read.</summary>
    public async Task<FlagChanges> ApplyAsync(DbSession session, FlagCondition condition, LiveFlag? live, string job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(condition);
        var now = Unix.Seconds(clock.GetCurrentInstant());
        if (condition.Amount > 0)
        {
            if (live is null)
            {
                await session.ExecuteAsync(Open, Parameters(condition, now), cancellationToken);
                return new FlagChanges(1, 0, 0);
            }

            if (live.Amount == condition.Amount && live.Krw == condition.Krw && live.Detail == condition.Detail
                && live.PeriodStartUnix == condition.PeriodStartUnix && live.PeriodEndUnix == condition.PeriodEndUnix)
            {
                return default;
            }

            await session.ExecuteAsync(Refresh, Parameters(condition, now, live.Id), cancellationToken);
            return new FlagChanges(0, 1, 0);
        }

        if (live is null)
        {
            return default;
        }

        await session.ExecuteAsync(ResolveCleared, new { live.Id, Now = now, By = job, Resolution = "The condition cleared." }, cancellationToken);
        return new FlagChanges(0, 0, 1);
    }

    /// <summary>
    /// Applies a job's full set of conditions of one kind: each is opened or updated, and every live flag of that kind
    /// whose cause is no longer among them is resolved (its condition cleared).
    /// </summary>
    public async Task<FlagChanges> ReplaceKindAsync(
        DbSession session, string kind, IReadOnlyCollection<FlagCondition> conditions, string job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(conditions);
        var changes = default(FlagChanges);
        foreach (var condition in conditions)
        {
            changes = changes.Add(await ApplyAsync(session, condition, job, cancellationToken));
        }

        var current = conditions.Where(c => c.Amount > 0).Select(c => c.CauseKey).ToHashSet(StringComparer.Ordinal);
        foreach (var stale in (await session.QueryAsync<string>(LiveOfKind, new { Kind = kind }, cancellationToken)).Where(k => !current.Contains(k)).ToList())
        {
            changes = changes.Add(await ApplyAsync(session, new FlagCondition(kind, stale, null, null, null, null, 0, 0, 0, GpuSecondsUnit, null, string.Empty), job, cancellationToken));
        }

        return changes;
    }

    private static object Parameters(FlagCondition c, long now, long id = 0) => new
    {
        Id = id,
        c.Kind,
        c.CauseKey,
        c.TeamId,
        c.PoolId,
        c.ParticipationId,
        c.Account,
        c.PeriodStartUnix,
        c.PeriodEndUnix,
        c.Amount,
        c.Unit,
        c.Krw,
        c.Detail,
        Now = now,
    };

    /// <summary>A flag not yet resolved, as far as keeping it in step needs.</summary>
    public sealed class LiveFlag
    {
        public long Id { get; init; }
        public string CauseKey { get; init; } = string.Empty;
        public long Amount { get; init; }
        public long? Krw { get; init; }
        public string Detail { get; init; } = string.Empty;
        public long PeriodStartUnix { get; init; }
        public long PeriodEndUnix { get; init; }
    }
}
