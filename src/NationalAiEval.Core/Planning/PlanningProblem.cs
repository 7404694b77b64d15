using NationalAiEval.Core.Capacity;
using NationalAiEval.Core.Weights;
using NodaTime;

namespace NationalAiEval.Core.Planning;

/// <summary>
/// A pool as the planner sees it: its lease lines, the allocations it may not touch (other stages', ended
/// participations'), its node size and the terms on which its provider would lease more (null: closed to new leases).
/// </summary>
public sealed record PlanPool(
    long PoolId, string Code, string GpuModel, long GpusPerNode, IReadOnlyList<LeaseLine> Leases, IReadOnlyList<AllocationSpan> Locked,
    NewLeaseTerms? NewLeases);

/// <summary>
/// What a provider asks for a new lease line on a pool: a price per GPU-hour and a minimum length (a calendar period in
/// the programme's zone, from a day boundary). Lines are whole GPUs (or whole nodes when the plan is in nodes).
/// </summary>
public sealed record NewLeaseTerms(long KrwPerGpuHour, Period MinimumLength)
{
    public const string MinimumRule = "an ISO-8601 period of whole days, weeks, months or years from P1D to P5Y, for example P1M or P14D";

    /// <summary>Reads a minimum length (<see cref="MinimumRule"/>).</summary>
    public static bool TryParseMinimum(string? text, out Period minimum)
    {
        minimum = Period.Zero;
        var parsed = NodaTime.Text.PeriodPattern.NormalizingIso.Parse(text ?? string.Empty);
        if (!parsed.Success || parsed.Value.HasTimeComponent || !parsed.Value.HasDateComponent)
        {
            return false;
        }

        var period = parsed.Value;
        var start = new LocalDate(2000, 1, 1);
        var end = start.Plus(period);
        if (end <= start || end > start.PlusYears(5) || period.Years < 0 || period.Months < 0 || period.Weeks < 0 || period.Days < 0)
        {
            return false;
        }

        minimum = period;
        return true;
    }
}

/// <summary>
/// A participation that is owed the entitlement: its window, the first instant it may receive GPUs, the pools it may
/// not use, and what its allocations before the planning start already gave it (locked, milli-EGH-seconds).
/// <see cref="RunningGpus"/> is what it runs on just before the start, per pool id (a plan keeps it there where it can);
/// <see cref="AccountPoolIds"/> the pools where it has a scheduler account, the only ones a plan puts it on (null: any pool).
/// </summary>
public sealed record PlanParticipation(
    long ParticipationId, string Team, Interval Window, Instant? EligibleFrom, IReadOnlySet<long> ExcludedPoolIds, long ReceivedMilliEghSeconds,
    IReadOnlyDictionary<long, long>? RunningGpus = null, IReadOnlySet<long>? AccountPoolIds = null)
{
    /// <summary>GPUs the participation runs on the pool just before the planning start.</summary>
    public long RunningOn(long poolId) => RunningGpus?.GetValueOrDefault(poolId) ?? 0;

    /// <summary>Whether a plan may put the participation on the pool: not excluded, and with a scheduler account there when that is required.</summary>
    public bool MayRunOn(long poolId) => !ExcludedPoolIds.Contains(poolId) && (AccountPoolIds is null || AccountPoolIds.Contains(poolId));
}

/// <summary>
/// Everything the planner needs. Allocations of the planned participations from <see cref="From"/> on are re-planned;
/// everything before it is locked. <see cref="WholeNodes"/> makes every allocation a whole number of nodes.
/// <see cref="Zone"/> is the programme's: new lease lines start and end on its day boundaries (UTC when not given), and
/// a plan changes allocations only on the boundaries of <see cref="Granularity"/> there (whole days when not given).
/// </summary>
public sealed record PlanningProblem(
    Instant From, long EntitlementMilliEghSeconds, IReadOnlyList<PlanPool> Pools, IReadOnlyList<PlanParticipation> Participations,
    WeightSchedule Weights, bool WholeNodes = false, DateTimeZone? Zone = null, Period? Granularity = null)
{
    public DateTimeZone TimeZone => Zone ?? DateTimeZone.Utc;

    /// <summary>The steps a plan changes on (<see cref="PlanSteps"/>).</summary>
    public Period Step => Granularity ?? Period.FromDays(1);

    /// <summary>The GPUs a pool is allocated and leased in: a whole node when the plan is in nodes, else one GPU.</summary>
    public long UnitOf(PlanPool pool)
    {
        ArgumentNullException.ThrowIfNull(pool);
        return WholeNodes ? pool.GpusPerNode : 1;
    }

    /// <summary>What an allocation of the plan gives its participation, in milli-EGH-seconds (the pool's weights over its span).</summary>
    public long EquivalentOf(PlannedAllocation allocation)
    {
        ArgumentNullException.ThrowIfNull(allocation);
        return Weights.EquivalentMilliEghSeconds(Pools.Single(p => p.PoolId == allocation.PoolId).GpuModel, allocation.Gpus, allocation.Span);
    }

    /// <summary>The problem as if the pools also leased <paramref name="lines"/> (a certificate's, to check it closes the gap).</summary>
    public PlanningProblem WithExtraLeases(IEnumerable<ExtraLease> lines)
    {
        var byPool = lines.ToLookup(l => l.PoolId);
        return this with
        {
            Pools = [.. Pools.Select(p => p with { Leases = [.. p.Leases, .. byPool[p.PoolId].Select(l => new LeaseLine(l.Gpus, l.Span, l.KrwPerGpuHour))] })],
        };
    }
}
