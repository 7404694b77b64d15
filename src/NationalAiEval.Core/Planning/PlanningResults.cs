using NodaTime;

namespace NationalAiEval.Core.Planning;

/// <summary>
/// A pool and a stretch of time whose capacity limits the equal share (from the minimum cut): either everything it
/// leases is taken (<see cref="Full"/>), or it leases nothing then.
/// </summary>
public sealed record Bottleneck(long PoolId, Interval Span, long FreeGpus, long LeasedGpus)
{
    public bool Full => LeasedGpus > 0;
}

/// <summary>
/// Extra GPUs to lease on a pool over a span (day boundaries, at least the pool's minimum length) at its stated rate,
/// which together with the other lines closes the shortfall.
/// </summary>
public sealed record ExtraLease(long PoolId, long Gpus, Interval Span, long GpuSeconds, long Krw, long KrwPerGpuHour);

/// <summary>
/// The largest equivalent amount every participation can reach (what it received plus what the leases can still
/// give it, equally), and when that is short of the entitlement, the certificate: bottlenecks and the cheapest extra
/// lease lines a provider could sign that make the entitlement reachable (<see cref="ExtraLeaseProvenCheapest"/>: the
/// solver proved no cheaper lines exist under the pools' terms; false only when it ran out of time).
/// </summary>
public sealed record EqualShare(
    long MaxEqualShareMilliEghSeconds, long EntitlementMilliEghSeconds, IReadOnlyList<Bottleneck> Bottlenecks, IReadOnlyList<ExtraLease> ExtraLeases,
    IReadOnlyList<long> ParticipationsWithoutCapacity, bool ExtraLeaseProvenCheapest = true)
{
    public bool Feasible => MaxEqualShareMilliEghSeconds >= EntitlementMilliEghSeconds;
}

/// <summary>One allocation of the plan: whole GPUs (or nodes) of a pool for a participation over a span.</summary>
public sealed record PlannedAllocation(long ParticipationId, long PoolId, long Gpus, Interval Span);

/// <summary>Leased capacity the plan leaves unallocated on a pool from the planning start, priced as the waste report prices idle unallocated capacity.</summary>
public sealed record UnallocatedCapacity(long PoolId, long GpuSeconds, long Krw);

/// <summary>What each participation gets: locked before the start, planned after it, in milli-EGH-seconds.</summary>
public sealed record PlannedShare(long ParticipationId, long ReceivedMilliEghSeconds, long PlannedMilliEghSeconds)
{
    public long TotalMilliEghSeconds => ReceivedMilliEghSeconds + PlannedMilliEghSeconds;
}

/// <summary>
/// A plan: allocations that give every participation the target (the entitlement, or, when the leases or whole steps
/// cannot give it, the largest equal share), the capacity left unallocated per pool, and the equal-share analysis
/// behind it. <see cref="ProvenOptimal"/>: the solver proved every round of the plan's objective optimal in its time.
/// </summary>
public sealed record Plan(
    EqualShare Capacity, long TargetMilliEghSeconds, IReadOnlyList<PlannedAllocation> Allocations, IReadOnlyList<PlannedShare> Shares,
    IReadOnlyList<UnallocatedCapacity> Unallocated, bool ProvenOptimal = true);
