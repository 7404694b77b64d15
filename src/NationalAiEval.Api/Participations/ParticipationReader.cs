using NationalAiEval.Api.Auth;
using NationalAiEval.Api.Infrastructure.Database;
using NationalAiEval.Api.Infrastructure.Http;
using NationalAiEval.Api.Stages;

namespace NationalAiEval.Api.Participations;

/// <summary>Reads participations as callers may see them; admitting and ending them is the Admission feature's.</summary>
public sealed class ParticipationReader(Db db)
{
    private static readonly Sql ListPage = Sql.FirstRows(
        ParticipationRow.Columns,
        """
        FROM participation p JOIN stage s ON s.id = p.stage_id JOIN team t ON t.id = p.team_id
        WHERE p.stage_id = @StageId AND p.id > @After AND (@OnlyTeamId IS NULL OR p.team_id = @OnlyTeamId)
        ORDER BY p.id
        """);

    /// <summary>A team key sees only its own participation.</summary>
    public async Task<Page<ParticipationView>> ListAsync(string stageCode, Caller caller, PageRequest page, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        await using var session = await db.ReadAsync(cancellationToken);
        var stage = await session.QuerySingleOrDefaultAsync<StageRow>(StageRow.ByCode, new { Code = stageCode }, cancellationToken)
            ?? throw Problems.NotFound("stage", stageCode);
        var onlyTeam = caller.ReadsEverything ? null : caller.TeamId;
        var rows = (await session.QueryAsync<ParticipationRow>(ListPage, new { StageId = stage.Id, page.After, page.Take, OnlyTeamId = onlyTeam }, cancellationToken)).ToList();
        var excluded = (await session.QueryAsync<ExcludedPoolRow>(ParticipationRow.ExcludedOfStage, new { StageId = stage.Id }, cancellationToken)).ToLookup(e => e.ParticipationId);
        return page.Cut(rows, r => r.Id, r => r.ToView(excluded[r.Id], stage.DurationDays));
    }

    public async Task<ParticipationView> GetAsync(string stageCode, string teamCode, Caller caller, CancellationToken cancellationToken)
    {
        await using var session = await db.ReadAsync(cancellationToken);
        var (stage, row) = await ParticipationRow.FindVisibleAsync(session, stageCode, teamCode, caller, ParticipationRow.ByStageAndTeam, cancellationToken);
        var excluded = await session.QueryAsync<ExcludedPoolRow>(ParticipationRow.ExcludedPools, new { ParticipationId = row.Id }, cancellationToken);
        return row.ToView(excluded, stage.DurationDays);
    }
}
