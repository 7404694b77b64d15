using NationalAiEval.Api.Auth;
using NationalAiEval.Api.Infrastructure.Database;
using NationalAiEval.Api.Infrastructure.Http;
using NationalAiEval.Api.Stages;
using NationalAiEval.Api.Teams;
using NationalAiEval.Core.Allocations;

namespace NationalAiEval.Api.Participations;

public sealed class ParticipationRow
{
    public const string Columns = """
        p.id, p.stage_id, p.team_id, s.code AS stage_code, t.code AS team_code, p.kind, p.join_date, p.window_start_unix,
        p.window_end_unix, p.eligible_date, p.eligible_unix, p.status, p.ended_unix, p.end_reason, p.version, p.created_unix
        """;

    public static readonly Sql ByStageAndTeam = Sql.Portable($"""
        SELECT {Columns}
        FROM participation p JOIN stage s ON s.id = p.stage_id JOIN team t ON t.id = p.team_id
        WHERE p.stage_id = @StageId AND p.team_id = @TeamId
        """);

    /// <summary>
    /// The same row, locked on SQL Server so that an elimination and an allocation for the same participation
    /// serialise (SQLite's write transaction already does).
    /// </summary>
    public static readonly Sql LockByStageAndTeam = Sql.LockingRead($"""
        SELECT {Columns}
        FROM participation p {Sql.RowLock} JOIN stage s ON s.id = p.stage_id JOIN team t ON t.id = p.team_id
        WHERE p.stage_id = @StageId AND p.team_id = @TeamId
        """);

    public static readonly Sql ByTeam = Sql.Portable($"""
        SELECT {Columns}
        FROM participation p JOIN stage s ON s.id = p.stage_id JOIN team t ON t.id = p.team_id
        WHERE p.team_id = @TeamId ORDER BY p.id
        """);

    public static readonly Sql OfStage = Sql.Portable($"""
        SELECT {Columns}
        FROM participation p JOIN stage s ON s.id = p.stage_id JOIN team t ON t.id = p.team_id
        WHERE p.stage_id = @StageId ORDER BY p.id
        """);

    public static readonly Sql ExcludedOfStage = Sql.Portable("""
        SELECT e.participation_id, p.id AS pool_id, p.code AS pool_code
        FROM participation_excluded_pool e JOIN pool p ON p.id = e.pool_id JOIN participation pa ON pa.id = e.participation_id
        WHERE pa.stage_id = @StageId ORDER BY p.code
        """);

    public static readonly Sql ExcludedPools = Sql.Portable("""
        SELECT e.participation_id, p.id AS pool_id, p.code AS pool_code
        FROM participation_excluded_pool e JOIN pool p ON p.id = e.pool_id
        WHERE e.participation_id = @ParticipationId ORDER BY p.code
        """);

    /// <summary>
    /// The participation of a team in a stage, by their codes, read with <paramref name="query"/> (plain or locking);
    /// 404 for an unknown stage, a team the caller may not see, or a team not in the stage.
    /// </summary>
    public static async Task<(StageRow Stage, ParticipationRow Participation)> FindVisibleAsync(
        DbSession session, string stageCode, string teamCode, Caller caller, Sql query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        var stage = await session.QuerySingleOrDefaultAsync<StageRow>(StageRow.ByCode, new { Code = stageCode }, cancellationToken)
            ?? throw Problems.NotFound("stage", stageCode);
        var team = await TeamStore.FindVisibleAsync(session, teamCode, caller, cancellationToken);
        var participation = await session.QuerySingleOrDefaultAsync<ParticipationRow>(query, new { StageId = stage.Id, TeamId = team.Id }, cancellationToken)
            ?? throw Problems.NotFound("participation", $"{stageCode}/{teamCode}");
        return (stage, participation);
    }

    public long Id { get; init; }
    public long StageId { get; init; }
    public long TeamId { get; init; }
    public string StageCode { get; init; } = string.Empty;
    public string TeamCode { get; init; } = string.Empty;
    public string Kind { get; init; } = string.Empty;
    public string JoinDate { get; init; } = string.Empty;
    public long WindowStartUnix { get; init; }
    public long WindowEndUnix { get; init; }
    public string? EligibleDate { get; init; }
    public long? EligibleUnix { get; init; }
    public string Status { get; init; } = string.Empty;
    public long? EndedUnix { get; init; }
    public string? EndReason { get; init; }
    public long Version { get; init; }
    public long CreatedUnix { get; init; }

    public ParticipationStatus ParsedStatus => Enum.Parse<ParticipationStatus>(Status, ignoreCase: true);

    /// <summary>
    /// Whether the team may still use GPUs at <paramref name="unix"/>: active, or eliminated or withdrawn with effect
    /// from a later instant.
    /// </summary>
    public bool RunsAt(long unix) => ParsedStatus == ParticipationStatus.Active || (EndedUnix is { } ended && ended > unix);

    public ParticipationTerms ToTerms(IEnumerable<ExcludedPoolRow> excluded) => new(
        Unix.Interval(WindowStartUnix, WindowEndUnix),
        EligibleUnix is { } e ? Unix.Instant(e) : null,
        excluded.Select(x => x.PoolId).ToHashSet(),
        ParsedStatus,
        EndedUnix is { } ended ? Unix.Instant(ended) : null);

    public ParticipationView ToView(IEnumerable<ExcludedPoolRow> excluded, long windowDays) => new(
        StageCode, TeamCode, Enum.Parse<ParticipationKind>(Kind, ignoreCase: true), Dates.Parse(JoinDate), Unix.Instant(WindowStartUnix),
        Unix.Instant(WindowEndUnix), windowDays, Dates.ParseOptional(EligibleDate), EligibleUnix is { } e ? Unix.Instant(e) : null,
        excluded.Select(x => x.PoolCode).ToList(), ParsedStatus, EndedUnix is { } ended ? Unix.Instant(ended) : null, EndReason,
        Unix.Instant(CreatedUnix));
}

public sealed class ExcludedPoolRow
{
    public long ParticipationId { get; init; }
    public long PoolId { get; init; }
    public string PoolCode { get; init; } = string.Empty;
}
