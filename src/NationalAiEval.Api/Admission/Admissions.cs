using System.Globalization;
using NationalAiEval.Api.Allocations;
using NationalAiEval.Api.Audit;
using NationalAiEval.Api.Auth;
using NationalAiEval.Api.Infrastructure.Database;
using NationalAiEval.Api.Infrastructure.Http;
using NationalAiEval.Api.Ledger;
using NationalAiEval.Api.Participations;
using NationalAiEval.Api.Pools;
using NationalAiEval.Api.Reconciliation;
using NationalAiEval.Api.Stages;
using NationalAiEval.Api.Teams;
using NationalAiEval.Api.Usage;
using NationalAiEval.Api.Weights;
using NationalAiEval.Core.Allocations;
using NationalAiEval.Core.Ledger;
using NationalAiEval.Core.Time;
using NationalAiEval.Core.Units;
using NationalAiEval.Core.Usage;
using NodaTime;

namespace NationalAiEval.Api.Admission;

/// <summary>
/// Admits teams to stages and ends their participation. Admission posts the stage's entitlement to the ledger in the
/// same transaction as the participation row; an end cuts allocations (through <see cref="AllocationWriter"/>, as every
/// allocation change) and posts the forfeits in the same way. Reading participations is <see cref="ParticipationReader"/>.
/// </summary>
public sealed class Admissions(
    Db db, IClock clock, LedgerWriter ledger, AuditLog audit, Reattribution reattribution, EndForfeits forfeits, AllocationWriter allocations)
{
    private static readonly Sql Insert = Sql.InsertReturningId(
        "participation",
        "stage_id, team_id, kind, join_date, window_start_unix, window_end_unix, eligible_date, eligible_unix, status, created_unix",
        "@StageId, @TeamId, @Kind, @JoinDate, @WindowStartUnix, @WindowEndUnix, @EligibleDate, @EligibleUnix, 'active', @CreatedUnix");

    private static readonly Sql InsertExcluded = Sql.Portable(
        "INSERT INTO participation_excluded_pool (participation_id, pool_id) VALUES (@ParticipationId, @PoolId)");

    private static readonly Sql MarkEnded = Sql.Portable("""
        UPDATE participation SET status = @Status, ended_unix = @EndedUnix, end_reason = @Reason, version = version + 1 WHERE id = @Id
        """);

    public async Task<ParticipationView> AdmitAsync(string stageCode, AdmitRequest request, Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var v = new Validator();
        var teamCode = v.Code(request.Team, "team");
        var joinDate = v.Date(request.JoinDate, "joinDate");
        var kind = v.Enum(request.Kind, "kind");
        var eligibleFrom = v.OptionalDate(request.EligibleFrom, "eligibleFrom");
        var excludedCodes = request.ExcludedPools ?? [];
        for (var i = 0; i < excludedCodes.Count; i++)
        {
            v.Code(excludedCodes[i], $"excludedPools[{i}]");
        }

        v.ThrowIfInvalid();

        await using var session = await db.WriteAsync(cancellationToken);
        var stage = await session.QuerySingleOrDefaultAsync<StageRow>(StageRow.ByCode, new { Code = stageCode }, cancellationToken)
            ?? throw Problems.NotFound("stage", stageCode);
        var team = await session.QuerySingleOrDefaultAsync<TeamRow>(TeamStore.ByCode, new { Code = teamCode }, cancellationToken)
            ?? throw Problems.Unprocessable("unknown-team", "Unknown team.", $"There is no team '{teamCode}'.", "team");
        if (await session.QuerySingleOrDefaultAsync<ParticipationRow>(ParticipationRow.ByStageAndTeam, new { StageId = stage.Id, TeamId = team.Id }, cancellationToken) is not null)
        {
            throw Problems.Conflict("already-admitted", "The team is already in this stage.", $"Team '{teamCode}' already participates in stage '{stageCode}'.");
        }

        if (joinDate < stage.Start)
        {
            throw Problems.Unprocessable("join-before-stage", "The join date is before the stage starts.",
                $"joinDate {Dates.Text(joinDate)} is before the stage's start date {stage.StartDate}.", "joinDate");
        }

        var window = ParticipationWindow.For(joinDate, stage.Duration, stage.Zone);
        Instant? eligibleAt = null;
        if (eligibleFrom is { } eligible)
        {
            if (eligible < joinDate || eligible >= window.EndDate)
            {
                throw Problems.Unprocessable("eligibility-outside-window", "The eligibility date must fall inside the window.",
                    $"eligibleFrom must be on or after the join date ({Dates.Text(joinDate)}) and before the window ends ({Dates.Text(window.EndDate)}), or the team could never receive GPUs.",
                    "eligibleFrom");
            }

            eligibleAt = ParticipationWindow.StartOfDay(eligible, stage.Zone);
        }

        var excludedPoolIds = new List<long>();
        for (var i = 0; i < excludedCodes.Count; i++)
        {
            var pool = await session.QuerySingleOrDefaultAsync<PoolRow>(PoolSql.ByCode, new { Code = excludedCodes[i] }, cancellationToken)
                ?? throw Problems.Unprocessable("unknown-pool", "Unknown pool.", $"There is no pool '{excludedCodes[i]}'.", $"excludedPools[{i}]");
            excludedPoolIds.Add(pool.Id);
        }

        var now = Unix.Now(clock);
        var payersBefore = await Reattribution.ParticipationsAsync(session, team.Id, cancellationToken);
        var id = await session.QuerySingleAsync<long>(Insert, new
        {
            StageId = stage.Id,
            TeamId = team.Id,
            Kind = kind.ToString().ToLowerInvariant(),
            JoinDate = Dates.Text(joinDate),
            WindowStartUnix = Unix.Seconds(window.Span.Start),
            WindowEndUnix = Unix.Seconds(window.Span.End),
            EligibleDate = eligibleFrom is { } d ? Dates.Text(d) : null,
            EligibleUnix = eligibleAt is { } at ? Unix.Seconds(at) : (long?)null,
            CreatedUnix = Unix.Seconds(now),
        }, cancellationToken);
        foreach (var poolId in excludedPoolIds.Distinct())
        {
            await session.ExecuteAsync(InsertExcluded, new { ParticipationId = id, PoolId = poolId }, cancellationToken);
        }

        await ledger.PostAsync(session, id, LedgerRules.AdmissionGrants(id, stage.EntitlementMilliEghS, stage.DataGrantKrw), caller, cancellationToken);

        // A window reaching back into hours already counted (or past an earlier window's end) may change who pays for them.
        await reattribution.ApplyAsync(session, team.Id, payersBefore, $"admission-{Id(id)}", caller, cancellationToken);
        var row = await session.QuerySingleAsync<ParticipationRow>(ParticipationRow.ByStageAndTeam, new { StageId = stage.Id, TeamId = team.Id }, cancellationToken);
        var excluded = await session.QueryAsync<ExcludedPoolRow>(ParticipationRow.ExcludedPools, new { ParticipationId = id }, cancellationToken);
        var view = row.ToView(excluded, stage.DurationDays);
        await audit.WriteAsync(session, caller, "participation.admit", "participation", Id(id), null, view, cancellationToken);
        await session.CommitAsync(cancellationToken);
        return view;
    }

    /// <summary>
    /// Ends a participation at <c>effectiveAt</c> (api-docs/DEFINITIONS.md#elimination): allocations that start later are removed, those
    /// running are cut there, the GPU balance is forfeited and the undrawn data grant cancelled.
    /// </summary>
    public async Task<ParticipationEnded> EndAsync(
        string stageCode, string teamCode, ParticipationStatus outcome, EndParticipationRequest request, Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var v = new Validator();
        var at = v.Instant(request.EffectiveAt, "effectiveAt");
        var reason = v.OptionalText(request.Reason, "reason");
        v.ThrowIfInvalid();
        var cause = outcome == ParticipationStatus.Eliminated ? "elimination" : "withdrawal";

        await using var session = await db.WriteAsync(cancellationToken);
        var (stage, row) = await ParticipationRow.FindVisibleAsync(session, stageCode, teamCode, caller, ParticipationRow.LockByStageAndTeam, cancellationToken);
        if (row.ParsedStatus != ParticipationStatus.Active)
        {
            throw Problems.Conflict("participation-ended", "The participation has already ended.",
                $"Team '{teamCode}' was {row.Status} in stage '{stageCode}' effective {Unix.Instant(row.EndedUnix ?? 0)}.");
        }

        if (Unix.Seconds(at) >= row.WindowEndUnix)
        {
            throw Problems.Unprocessable("end-after-window", "The window has already ended by then.",
                $"effectiveAt must be before the window ends ({Unix.Instant(row.WindowEndUnix)}).", "effectiveAt");
        }

        var excluded = (await session.QueryAsync<ExcludedPoolRow>(ParticipationRow.ExcludedPools, new { ParticipationId = row.Id }, cancellationToken)).ToList();
        var before = row.ToView(excluded, stage.DurationDays);
        var atUnix = Unix.Seconds(at);
        var weights = await WeightStore.LoadScheduleAsync(session, cancellationToken);
        var (shortened, removed) = await allocations.CutAsync(session, row.Id, atUnix, weights, AllocationWriter.ByEnd(cause, row.Id), caller, cancellationToken);

        // Usage already counted for hours from the end on is no longer this participation's: it goes to a later window
        // that runs then, or is flagged. Then what remains is forfeited, so the balance is exactly zero: now, or, for an
        // end recorded ahead of its instant, when it takes effect (EndForfeits); until then the team keeps its remainder.
        var payersBefore = await Reattribution.ParticipationsAsync(session, row.TeamId, cancellationToken);
        await session.ExecuteAsync(MarkEnded, new { Status = outcome.ToString().ToLowerInvariant(), EndedUnix = atUnix, Reason = reason, row.Id }, cancellationToken);
        await reattribution.ApplyAsync(session, row.TeamId, payersBefore, $"{cause}-{Id(row.Id)}", caller, cancellationToken);
        var (gpuBalance, dataBalance) = atUnix <= Unix.Seconds(clock.GetCurrentInstant())
            ? await forfeits.PostAsync(session, row.Id, cause, caller, cancellationToken)
            : await EndForfeits.BalancesAsync(session, row.Id, cancellationToken);

        var updated = await session.QuerySingleAsync<ParticipationRow>(ParticipationRow.ByStageAndTeam, new { row.StageId, row.TeamId }, cancellationToken);
        var after = updated.ToView(excluded, stage.DurationDays);
        await audit.WriteAsync(session, caller, $"participation.{cause}", "participation", Id(row.Id), before, after, cancellationToken);
        await session.CommitAsync(cancellationToken);
        return new ParticipationEnded(after, shortened, removed, gpuBalance, GpuTime.ToEquivalentGpuHours(gpuBalance), dataBalance);
    }

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);
}
