using System.Globalization;
using NationalAiEval.Api.Audit;
using NationalAiEval.Api.Auth;
using NationalAiEval.Api.Infrastructure.Database;
using NationalAiEval.Api.Infrastructure.Http;
using NationalAiEval.Api.Pools;
using NationalAiEval.Api.StaleIdleHours;
using NationalAiEval.Core.Capacity;
using NationalAiEval.Core.Weights;
using NodaTime;

namespace NationalAiEval.Api.Allocations;

/// <summary>An allocation to write: GPUs of a pool for a participation over <c>[StartUnix, EndUnix)</c>.</summary>
public sealed record NewAllocation(long ParticipationId, long PoolId, long Gpus, long StartUnix, long EndUnix);

/// <summary>How every allocation change is audited: the allocation as the API shows it, and what changed it.</summary>
public sealed record AuditedAllocation(AllocationView Allocation, string Cause);

/// <summary>
/// The one way an allocation changes, whoever changes it: a manager through the API (create, shorten, delete), a
/// plan's commit, or the end of a participation (a cut). Every change, inside the caller's transaction, checks the
/// pool's capacity when it adds any (api-docs/DEFINITIONS.md#capacity), marks the idle hours it makes stale, and is
/// audited as <c>allocation.create|shorten|delete</c> with an <see cref="AuditedAllocation"/> before and after. The
/// caller holds the pool's lock (<see cref="PoolSql.LockByCode"/> or a lock on every pool) and has checked who may
/// make the change; this class does not decide that, it only writes it the same way every time.
/// </summary>
public sealed class AllocationWriter(AuditLog audit, IClock clock)
{
    public const string ByManager = "manager";

    private static readonly Sql Insert = Sql.InsertReturningId(
        "allocation", "participation_id, pool_id, gpus, start_unix, end_unix, created_unix", "@ParticipationId, @PoolId, @Gpus, @StartUnix, @EndUnix, @CreatedUnix");

    private static readonly Sql Shorten = Sql.Portable(
        "UPDATE allocation SET end_unix = @EndUnix, version = version + 1 WHERE id = @Id AND version = @Version");

    private static readonly Sql Delete = Sql.Portable("DELETE FROM allocation WHERE id = @Id AND version = @Version");

    private static readonly Sql PoolCode = Sql.Portable("SELECT code FROM pool WHERE id = @PoolId");

    private static readonly Sql EndingAfter = Sql.Portable(AllocationRow.Select + " WHERE a.participation_id = @ParticipationId AND a.end_unix > @AtUnix ORDER BY a.id");

    /// <summary>What a plan's commit writes as the cause.</summary>
    public static string ByPlan(string planId) => $"plan {planId}";

    /// <summary>What the end of a participation writes as the cause: <c>elimination</c> or <c>withdrawal</c> and the participation.</summary>
    public static string ByEnd(string cause, long participationId) => $"{cause} of participation {Id(participationId)}";

    /// <summary>Inserts an allocation the pool has capacity for, or throws 409 <c>over-committed</c> naming the first stretch that would not fit.</summary>
    public async Task<AllocationRow> CreateAsync(
        DbSession session, NewAllocation allocation, WeightSchedule weights, string cause, Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(allocation);
        ArgumentNullException.ThrowIfNull(weights);
        var span = Unix.Interval(allocation.StartUnix, allocation.EndUnix);
        var window = new { allocation.PoolId, FromUnix = allocation.StartUnix, ToUnix = allocation.EndUnix };
        var leases = await session.QueryAsync<LeaseRow>(PoolSql.LeasesOverlapping, window, cancellationToken);
        var existing = await session.QueryAsync<AllocationSpanRow>(PoolSql.AllocationsOverlapping, window, cancellationToken);
        if (CapacityTimeline.FirstOverCommitment(leases.Select(l => l.ToLine()), existing.Select(a => a.ToSpan()), new AllocationSpan(allocation.Gpus, span)) is { } over)
        {
            var pool = await session.QuerySingleAsync<string>(PoolCode, new { allocation.PoolId }, cancellationToken);
            var interval = new OverCommittedInterval(over.Span.Start, over.Span.End, over.ExcessGpus, over.LeasedGpus, over.AllocatedGpus, over.RequestedGpus);
            throw Problems.Conflict("over-committed", "The pool does not have that capacity.",
                $"From {over.Span.Start} to {over.Span.End} pool '{pool}' would be over-committed by {over.ExcessGpus} GPU(s): {over.LeasedGpus} leased, {over.AllocatedGpus} already allocated, {allocation.Gpus} requested.",
                new Dictionary<string, object?> { ["overCommitted"] = interval });
        }

        var id = await session.QuerySingleAsync<long>(Insert, new
        {
            allocation.ParticipationId,
            allocation.PoolId,
            allocation.Gpus,
            allocation.StartUnix,
            allocation.EndUnix,
            CreatedUnix = Unix.Seconds(clock.GetCurrentInstant()),
        }, cancellationToken);
        await IdleDirty.MarkAsync(session, allocation.PoolId, allocation.StartUnix, allocation.EndUnix, cancellationToken);
        var row = await session.QuerySingleAsync<AllocationRow>(AllocationRow.ById, new { Id = id }, cancellationToken);
        await audit.WriteAsync(session, caller, "allocation.create", "allocation", Id(id), null, new AuditedAllocation(row.ToView(weights), cause), cancellationToken);
        return row;
    }

    /// <summary>Moves the end of <paramref name="row"/> (as read in this transaction) earlier, to <paramref name="endUnix"/>.</summary>
    public async Task<AllocationRow> ShortenAsync(
        DbSession session, AllocationRow row, long endUnix, WeightSchedule weights, string cause, Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(weights);
        if (endUnix <= row.StartUnix || endUnix >= row.EndUnix)
        {
            throw new ArgumentOutOfRangeException(nameof(endUnix), "A shortened allocation ends after its start and before its current end.");
        }

        await ExpectOneAsync(session.ExecuteAsync(Shorten, new { EndUnix = endUnix, row.Id, row.Version }, cancellationToken), row.Id);
        await IdleDirty.MarkAsync(session, row.PoolId, endUnix, row.EndUnix, cancellationToken);
        var updated = await session.QuerySingleAsync<AllocationRow>(AllocationRow.ById, new { row.Id }, cancellationToken);
        await audit.WriteAsync(session, caller, "allocation.shorten", "allocation", Id(row.Id),
            new AuditedAllocation(row.ToView(weights), cause), new AuditedAllocation(updated.ToView(weights), cause), cancellationToken);
        return updated;
    }

    /// <summary>Deletes <paramref name="row"/> (as read in this transaction).</summary>
    public async Task DeleteAsync(DbSession session, AllocationRow row, WeightSchedule weights, string cause, Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(weights);
        await ExpectOneAsync(session.ExecuteAsync(Delete, new { row.Id, row.Version }, cancellationToken), row.Id);
        await IdleDirty.MarkAsync(session, row.PoolId, row.StartUnix, row.EndUnix, cancellationToken);
        await audit.WriteAsync(session, caller, "allocation.delete", "allocation", Id(row.Id), new AuditedAllocation(row.ToView(weights), cause), null, cancellationToken);
    }

    /// <summary>
    /// Cuts a participation's allocations at an instant (api-docs/DEFINITIONS.md#elimination): those starting then or
    /// later are deleted, those running then end there. Returns the ids shortened and removed.
    /// </summary>
    public async Task<(List<long> Shortened, List<long> Removed)> CutAsync(
        DbSession session, long participationId, long atUnix, WeightSchedule weights, string cause, Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        var shortened = new List<long>();
        var removed = new List<long>();
        foreach (var row in await session.QueryAsync<AllocationRow>(EndingAfter, new { ParticipationId = participationId, AtUnix = atUnix }, cancellationToken))
        {
            if (row.StartUnix >= atUnix)
            {
                await DeleteAsync(session, row, weights, cause, caller, cancellationToken);
                removed.Add(row.Id);
            }
            else
            {
                await ShortenAsync(session, row, atUnix, weights, cause, caller, cancellationToken);
                shortened.Add(row.Id);
            }
        }

        return (shortened, removed);
    }

    /// <summary>
    /// The caller read the row in this transaction; a change that finds another version (on SQL Server, an end of
    /// participation and a plan's commit lock different rows) is refused as a conflict, and the transaction writes nothing.
    /// </summary>
    private static async Task ExpectOneAsync(Task<int> change, long id)
    {
        if (await change != 1)
        {
            throw Problems.Conflict("allocation-changed", "The allocation changed meanwhile.",
                $"Allocation {Id(id)} was changed by another request while this one ran; read it again and retry.");
        }
    }

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);
}
