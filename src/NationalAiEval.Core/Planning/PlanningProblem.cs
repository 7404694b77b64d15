using NationalAiEval.Core.Capacity;
using NationalAiEval.Core.Weights;
using NodaTime;

namespace NationalAiEval.Core.Planning;

/// <summary>
/// A pool as the planner sees it: its lease lines, the allocations it may not touch (other stages', ended
/// participations'), its node size and the price a new lease line would cost (its current rate).
/// </summary>
public sealed record PlanPool(
    long PoolId, string Code, string GpuModel, long GpusPerNode, IReadOnlyList<LeaseLine> Leases, IReadOnlyList<AllocationSpan> Locked,
    long CurrentKrwPerGpuHour);

/// <summary>
/// A participation that is owed the entitlement: its window, the first instant it may receive GPUs, the pools it may
/// not use, and what its allocations before the planning start already gave it (locked, milli-EGH-seconds).
/// </summary>
public sealed record PlanParticipation(
    long ParticipationId, string Team, Interval Window, Instant? EligibleFrom, IReadOnlySet<long> ExcludedPoolIds, long ReceivedMilliEghSeconds);

/// <summary>
/// Everything the planner needs. Allocations of the planned participations from <see cref="From"/> on are re-planned;
/// everything before it is locked. <see cref="WholeNodes"/> makes every allocation a whole number of nodes.
/// </summary>
public sealed record PlanningProblem(
    Instant From, long EntitlementMilliEghSeconds, IReadOnlyList<PlanPool> Pools, IReadOnlyList<PlanParticipation> Participations,
    WeightSchedule Weights, bool WholeNodes = false);
