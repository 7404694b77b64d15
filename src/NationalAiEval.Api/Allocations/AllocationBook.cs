using System.Globalization;
using NationalAiEval.Api.Auth;
using NationalAiEval.Api.Infrastructure.Database;
using NationalAiEval.Api.Infrastructure.Http;
using NationalAiEval.Api.Participations;
using NationalAiEval.Api.Pools;
using NationalAiEval.Api.Stages;
using NationalAiEval.Api.Teams;
using NationalAiEval.Api.Weights;
using NationalAiEval.Core.Allocations;
using NodaTime;

namespace NationalAiEval.Api.Allocations;

/// <summary>
/// Allocations of pool capacity to participations, as managers change them through the API. Creating one is a single
/// transaction that locks the pool, checks the eligibility rules, and has <see cref="AllocationWriter"/> check the
/// capacity timeline and insert: concurrent requests on one pool queue on the lock, so the pool is never over-committed
/// at any instant (api-docs/DEFINITIONS.md#capacity).
/// </summary>
public sealed class AllocationBook(Db db, IClock clock, AllocationWriter writer)
{
    private const string Filters = """
         WHERE a.id > @After AND (@StageCode IS NULL OR s.code = @StageCode) AND (@TeamId IS NULL OR pa.team_id = @TeamId)
          AND (@PoolId IS NULL OR a.pool_id = @PoolId) AND (@FromUnix IS NULL OR a.end_unix > @FromUnix) AND (@ToUnix IS NULL OR a.start_unix < @ToUnix)
          AND (@ProviderKeyId IS NULL OR EXISTS (
              SELECT 1 FROM api_key_pool kp JOIN api_key k ON k.id = kp.api_key_id WHERE k.key_id = @ProviderKeyId AND kp.pool_id = a.pool_id))
        ORDER BY a.id
        """;

    private static readonly Sql ListPage = Sql.FirstRows(AllocationRow.Columns, AllocationRow.From + Filters);

    /// <summary>The pool row is locked on SQL Server before the allocation row is read, in the same order as creation.</summary>
    private static readonly Sql LockPoolById = Sql.LockingRead($"SELECT id FROM pool {Sql.RowLock} WHERE id = @PoolId");

    private static readonly Sql PoolIdOfAllocation = Sql.Portable("SELECT pool_id FROM allocation WHERE id = @Id");

    public async Task<(AllocationView View, long Version)> CreateAsync(CreateAllocationRequest request, Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var v = new Validator();
        var stageCode = v.Code(request.Stage, "stage");
        var teamCode = v.Code(request.Team, "team");
        var poolCode = v.Code(request.Pool, "pool");
        var gpus = v.Range(request.Gpus, "gpus", 1, PoolStore.MaxGpus);
        var start = v.Instant(request.Start, "start");
        var end = v.Instant(request.End, "end");
        v.Ordered(start, end, "end");
        v.ThrowIfInvalid();
        var span = new Interval(start, end);

        await using var session = await db.WriteAsync(cancellationToken);
        var pool = await session.QuerySingleOrDefaultAsync<PoolRow>(PoolSql.LockByCode, new { Code = poolCode }, cancellationToken)
            ?? throw Problems.Unprocessable("unknown-pool", "Unknown pool.", $"There is no pool '{poolCode}'.", "pool");
        var stage = await session.QuerySingleOrDefaultAsync<StageRow>(StageRow.ByCode, new { Code = stageCode }, cancellationToken)
            ?? throw Problems.Unprocessable("unknown-stage", "Unknown stage.", $"There is no stage '{stageCode}'.", "stage");
        var team = await session.QuerySingleOrDefaultAsync<TeamRow>(TeamStore.ByCode, new { Code = teamCode }, cancellationToken)
            ?? throw Problems.Unprocessable("unknown-team", "Unknown team.", $"There is no team '{teamCode}'.", "team");
        var participation = await session.QuerySingleOrDefaultAsync<ParticipationRow>(
                ParticipationRow.LockByStageAndTeam, new { StageId = stage.Id, TeamId = team.Id }, cancellationToken)
            ?? throw Problems.Unprocessable("not-admitted", "The team is not in this stage.", $"Team '{teamCode}' has not been admitted to stage '{stageCode}'.", "team");
        var excluded = await session.QueryAsync<ExcludedPoolRow>(ParticipationRow.ExcludedPools, new { ParticipationId = participation.Id }, cancellationToken);

        if (AllocationRules.Check(participation.ToTerms(excluded), pool.Id, span) is { } violation)
        {
            throw Problems.Unprocessable(Slug(violation.Kind), "The allocation breaks an eligibility rule.", violation.Message, FieldOf(violation.Kind));
        }

        var weights = await WeightStore.LoadScheduleAsync(session, cancellationToken);
        if (!weights.Covers(pool.GpuModel, span))
        {
            throw Problems.Unprocessable("no-weight", "No equivalence weight at that time.",
                $"GPU model {pool.GpuModel} has no equivalence weight at {start}.", "start");
        }

        var row = await writer.CreateAsync(session, new NewAllocation(participation.Id, pool.Id, gpus, Unix.Seconds(start), Unix.Seconds(end)), weights,
            AllocationWriter.ByManager, caller, cancellationToken);
        await session.CommitAsync(cancellationToken);
        return (row.ToView(weights), row.Version);
    }

    public async Task<Page<AllocationView>> ListAsync(AllocationQuery query, PageRequest page, Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(caller);
        var stage = query.Stage;
        await using var session = await db.ReadAsync(cancellationToken);
        var (teamId, poolId) = await ListScope.ResolveAsync(session, query.Team, query.Pool, caller, cancellationToken);
        if (stage is not null && await session.QuerySingleOrDefaultAsync<StageRow>(StageRow.ByCode, new { Code = stage }, cancellationToken) is null)
        {
            throw Problems.NotFound("stage", stage);
        }

        var rows = (await session.QueryAsync<AllocationRow>(ListPage, new
        {
            page.After,
            page.Take,
            StageCode = stage,
            TeamId = teamId,
            PoolId = poolId,
            query.Range.FromUnix,
            query.Range.ToUnix,
            ProviderKeyId = caller.Role == Role.Provider ? caller.KeyId : null,
        }, cancellationToken)).ToList();
        var weights = await WeightStore.LoadScheduleAsync(session, cancellationToken);
        return page.Cut(rows, r => r.Id, r => r.ToView(weights));
    }

    public async Task<(AllocationView View, long Version)> GetAsync(long id, Caller caller, CancellationToken cancellationToken)
    {
        await using var session = await db.ReadAsync(cancellationToken);
        var row = await FindVisibleAsync(session, id, caller, AllocationRow.ById, cancellationToken);
        var weights = await WeightStore.LoadScheduleAsync(session, cancellationToken);
        return (row.ToView(weights), row.Version);
    }

    /// <summary>
    /// Moves the end earlier. Time already past stays allocated, because the team may have used it: the new end may
    /// not be before now.
    /// </summary>
    public async Task<(AllocationView View, long Version)> ShortenAsync(
        long id, ShortenAllocationRequest request, IfMatch ifMatch, Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var v = new Validator();
        var end = v.Instant(request.End, "end");
        v.ThrowIfInvalid();

        await using var session = await db.WriteAsync(cancellationToken);
        var row = await LockAsync(session, id, caller, cancellationToken);
        ETags.RequireMatch(ifMatch, row.Version);
        var now = clock.GetCurrentInstant();
        var endUnix = Unix.Seconds(end);
        if (endUnix >= row.EndUnix)
        {
            throw Problems.Unprocessable("not-shorter", "Allocations can only be shortened.",
                $"The new end must be before the current end ({Unix.Instant(row.EndUnix)}); to give more, create another allocation.", "end");
        }

        if (endUnix <= row.StartUnix || end < now)
        {
            throw Problems.Unprocessable("end-in-past", "The new end is too early.",
                $"The new end must be after the start ({Unix.Instant(row.StartUnix)}) and not before now ({now}).", "end");
        }

        var weights = await WeightStore.LoadScheduleAsync(session, cancellationToken);
        var updated = await writer.ShortenAsync(session, row, endUnix, weights, AllocationWriter.ByManager, caller, cancellationToken);
        await session.CommitAsync(cancellationToken);
        return (updated.ToView(weights), updated.Version);
    }

    /// <summary>Deletes an allocation that has not started; once started, it can only be shortened.</summary>
    public async Task DeleteAsync(long id, IfMatch ifMatch, Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ifMatch);
        await using var session = await db.WriteAsync(cancellationToken);
        var row = await LockAsync(session, id, caller, cancellationToken);
        if (ifMatch.Given)
        {
            ETags.RequireMatch(ifMatch, row.Version);
        }

        var now = clock.GetCurrentInstant();
        if (Unix.Seconds(now) >= row.StartUnix)
        {
            throw Problems.Conflict("allocation-started", "The allocation has started.",
                $"Allocation {id} started at {Unix.Instant(row.StartUnix)}; shorten it with PATCH instead of deleting it.");
        }

        var weights = await WeightStore.LoadScheduleAsync(session, cancellationToken);
        await writer.DeleteAsync(session, row, weights, AllocationWriter.ByManager, caller, cancellationToken);
        await session.CommitAsync(cancellationToken);
    }

    private static async Task<AllocationRow> LockAsync(DbSession session, long id, Caller caller, CancellationToken cancellationToken)
    {
        var poolId = await session.QuerySingleOrDefaultAsync<long?>(PoolIdOfAllocation, new { Id = id }, cancellationToken)
            ?? throw Problems.NotFound("allocation", Id(id));
        await session.QuerySingleOrDefaultAsync<long?>(LockPoolById, new { PoolId = poolId }, cancellationToken);
        return await FindVisibleAsync(session, id, caller, AllocationRow.ById, cancellationToken);
    }

    /// <summary>A team sees its own allocations, a provider those on its pools; anything else is 404.</summary>
    private static async Task<AllocationRow> FindVisibleAsync(DbSession session, long id, Caller caller, Sql query, CancellationToken cancellationToken)
    {
        var row = await session.QuerySingleOrDefaultAsync<AllocationRow>(query, new { Id = id }, cancellationToken);
        if (row is null || !(caller.MaySeeTeam(row.TeamId) || caller.MaySeePool(row.PoolId)))
        {
            throw Problems.NotFound("allocation", Id(id));
        }

        return row;
    }

    private static string Slug(AllocationViolationKind kind) => kind switch
    {
        AllocationViolationKind.ParticipationEnded => "participation-ended",
        AllocationViolationKind.ExcludedPool => "excluded-pool",
        AllocationViolationKind.OutsideWindow => "outside-window",
        AllocationViolationKind.BeforeEligibility => "before-eligibility",
        _ => "not-allowed",
    };

    private static string FieldOf(AllocationViolationKind kind) => kind switch
    {
        AllocationViolationKind.ParticipationEnded => "team",
        AllocationViolationKind.ExcludedPool => "pool",
        _ => "start",
    };

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);
}
