using NodaTime;

namespace NationalAiEval.Core.Planning;

/// <summary>Why a plan starts a participation on a pool it was not on just before (api-docs/DEFINITIONS.md#planner).</summary>
public enum MoveReason
{
    /// <summary>The pool it was on leases nothing from then.</summary>
    NotLeased,

    /// <summary>It may not use the pool it was on (excluded from it).</summary>
    Excluded,

    /// <summary>It has no scheduler account on the pool it was on.</summary>
    NoAccount,

    /// <summary>The pool it was on has no room left for what it had there.</summary>
    PoolFull,

    /// <summary>Staying would leave more money idle: the plan's second aim outranks staying put.</summary>
    LessIdleWon,
}

/// <summary>A participation started on <see cref="ToPoolId"/> at <see cref="At"/>, leaving (part of) what it had on <see cref="FromPoolIds"/>.</summary>
public sealed record PoolMove(long ParticipationId, Instant At, long ToPoolId, IReadOnlyList<long> FromPoolIds, MoveReason Reason);

/// <summary>
/// The moves of a plan: every start of a participation on a pool it was not on when it last ran before (after a pause,
/// too; at the planning start, where it runs now), with what kept it from staying. A participation's first allocation,
/// when it runs nowhere yet, is not a move.
/// </summary>
public static class PlanMoves
{
    private static readonly Duration Tick = Duration.FromSeconds(1);

    public static IReadOnlyList<PoolMove> Of(PlanningProblem problem, IReadOnlyList<PlannedAllocation> allocations)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(allocations);
        var moves = new List<PoolMove>();
        foreach (var participation in problem.Participations)
        {
            var own = allocations.Where(a => a.ParticipationId == participation.ParticipationId).ToList();
            foreach (var start in own.Select(a => a.Span.Start).Distinct().Order())
            {
                var before = GpusBefore(problem, participation, own, start);
                foreach (var pool in own.Where(a => a.Span.Start == start && before.GetValueOrDefault(a.PoolId) == 0).Select(a => a.PoolId).Distinct())
                {
                    var left = before.Where(b => b.Value > 0).Select(b => b.Key).Order().ToList();
                    if (left.Count > 0)
                    {
                        moves.Add(new PoolMove(participation.ParticipationId, start, pool, left,
                            Reason(problem, allocations, participation, left[0], before[left[0]], start)));
                    }
                }
            }
        }

        return moves;
    }

    /// <summary>
    /// How often the plan changes what participations hold on a pool: every allocation that starts with other GPUs than
    /// the participation held there just before (at the planning start, what it runs now). Stopping is not a change.
    /// </summary>
    public static int Changes(PlanningProblem problem, IReadOnlyList<PlannedAllocation> allocations)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(allocations);
        return allocations.Count(a =>
        {
            var before = a.Span.Start == problem.From
                ? problem.Participations.Single(p => p.ParticipationId == a.ParticipationId).RunningOn(a.PoolId)
                : allocations.Where(b => b.ParticipationId == a.ParticipationId && b.PoolId == a.PoolId && b.Span.Contains(a.Span.Start - Tick)).Sum(b => b.Gpus);
            return before != a.Gpus;
        });
    }

    /// <summary>
    /// GPUs per pool the participation last had before <paramref name="at"/>: its planned allocations just before, or,
    /// after a pause, when it last ran; what it runs now when the plan gave it nothing before.
    /// </summary>
    private static Dictionary<long, long> GpusBefore(PlanningProblem problem, PlanParticipation participation, List<PlannedAllocation> own, Instant at)
    {
        var lastEnd = own.Where(a => a.Span.Start < at).Select(a => a.Span.End < at ? a.Span.End : at).DefaultIfEmpty(problem.From).Max();
        return lastEnd == problem.From
            ? problem.Pools.Where(p => participation.RunningOn(p.PoolId) > 0).ToDictionary(p => p.PoolId, p => participation.RunningOn(p.PoolId))
            : own.Where(a => a.Span.Contains(lastEnd - Tick)).GroupBy(a => a.PoolId).ToDictionary(g => g.Key, g => g.Sum(a => a.Gpus));
    }

    private static MoveReason Reason(
        PlanningProblem problem, IReadOnlyList<PlannedAllocation> allocations, PlanParticipation participation, long poolId, long had, Instant at)
    {
        var pool = problem.Pools.Single(p => p.PoolId == poolId);
        var leased = pool.Leases.Where(l => l.Span.Contains(at)).Sum(l => l.Gpus);
        if (leased == 0)
        {
            return MoveReason.NotLeased;
        }

        if (participation.ExcludedPoolIds.Contains(poolId))
        {
            return MoveReason.Excluded;
        }

        if (!participation.MayRunOn(poolId))
        {
            return MoveReason.NoAccount;
        }

        var taken = pool.Locked.Where(a => a.Span.Contains(at)).Sum(a => a.Gpus)
            + allocations.Where(a => a.PoolId == poolId && a.ParticipationId != participation.ParticipationId && a.Span.Contains(at)).Sum(a => a.Gpus);
        return leased - taken < had ? MoveReason.PoolFull : MoveReason.LessIdleWon;
    }
}
