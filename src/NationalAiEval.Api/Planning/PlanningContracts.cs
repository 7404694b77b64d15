using NationalAiEval.Api.Participations;
using NationalAiEval.Api.Stages;
using NodaTime;

namespace NationalAiEval.Api.Planning;

/// <summary>
/// A plan request. <see cref="WholeNodes"/> allocates whole nodes of each pool instead of whole GPUs.
/// <see cref="WhatIf"/> makes the plan hypothetical: it is computed as if the changes were real, and never committed.
/// <see cref="Granularity"/> is where allocations may change (PT1H, PT2H, PT3H, PT4H, PT6H, PT8H, PT12H or P1D in the
/// stage's zone; the programme's setting when absent, whole days by default). <see cref="AnyPool"/> lets teams go on
/// pools where they have no scheduler account.
/// </summary>
public sealed record PlanRequest(bool? WholeNodes, WhatIfRequest? WhatIf, string? Granularity = null, bool? AnyPool = null);

/// <summary>
/// Hypothetical changes: teams that join (a re-challenge team on a date), eliminations, extra lease lines, and an
/// instant to plan from instead of now (allocations before it are kept, as received).
/// </summary>
public sealed record WhatIfRequest(
    IReadOnlyList<WhatIfJoin>? Joins, IReadOnlyList<WhatIfElimination>? Eliminations, IReadOnlyList<WhatIfLease>? Leases, Instant? AsOf);

public sealed record WhatIfJoin(string? Team, LocalDate? JoinDate, ParticipationKind? Kind, LocalDate? EligibleFrom, IReadOnlyList<string>? ExcludedPools);

public sealed record WhatIfElimination(string? Team, Instant? EffectiveAt);

public sealed record WhatIfLease(string? Pool, long? Gpus, Instant? Start, Instant? End, long? KrwPerGpuHour);

/// <summary>A bottleneck: <c>full</c> (what the pool leases then is taken) or <c>not-leased</c> (it leases nothing then).</summary>
public sealed record BottleneckView(string Pool, string GpuModel, Instant From, Instant To, long FreeGpus, long LeasedGpus, string State);

/// <summary>
/// An extra lease line that, with the others, would close the shortfall: whole GPUs (or nodes), from and to the start of
/// a day in the programme's zone, at least the pool's minimum length, priced at the pool's stated rate.
/// </summary>
public sealed record ExtraLeaseView(string Pool, string GpuModel, long Gpus, Instant From, Instant To, decimal GpuHours, long KrwPerGpuHour, long Krw);

/// <summary>The extra lease summed by GPU model: how many GPU-hours of which model, over which dates, for how much.</summary>
public sealed record ExtraByModelView(string GpuModel, Instant From, Instant To, decimal GpuHours, long Krw);

/// <summary>
/// Whether the equal promise can be kept: the largest equivalent GPU-hours every active participation can reach
/// (what it already received plus what the leases in force can still give it), and when that is short of the
/// entitlement, the certificate: the bottlenecks and the cheapest extra lease lines a provider could sign that would
/// close the gap (whole GPUs, day boundaries, each pool's minimum length and stated price, open pools only;
/// <see cref="ExtraLeaseProvenCheapest"/> is false only when the solver ran out of time and shows the best it found).
/// </summary>
public sealed record CapacityAnalysis(
    string Stage, Instant From, decimal EntitlementGpuHours, decimal MaxEqualShareGpuHours, bool Feasible,
    IReadOnlyList<BottleneckView> Bottlenecks, IReadOnlyList<ExtraLeaseView> ExtraLeases, IReadOnlyList<ExtraByModelView> ExtraByModel,
    long ExtraLeaseKrw, IReadOnlyList<string> TeamsWithoutCapacity, bool ExtraLeaseProvenCheapest);

/// <summary>
/// A team in a plan: what it received, is planned and gets in total; its allocations and how often its total GPUs
/// change; where it runs now and the pools it has scheduler accounts on (null: not kept to any); and each move the plan
/// makes (a start on a pool it was not on just before) with what kept it from staying.
/// </summary>
public sealed record PlannedParticipation(
    string Team, bool Hypothetical, Instant WindowStart, Instant WindowEnd, decimal ReceivedGpuHours, decimal PlannedGpuHours, decimal TotalGpuHours,
    int Allocations, int GpuCountChanges, IReadOnlyList<RunningView> RunningNow, IReadOnlyList<string>? AccountPools, int Moves,
    IReadOnlyList<PlanMoveView> Why);

/// <summary>GPUs a team runs on a pool just before the plan starts.</summary>
public sealed record RunningView(string Pool, long Gpus);

/// <summary>
/// A move: the team starts on <see cref="To"/> at <see cref="At"/>, leaving (part of) <see cref="From"/>, because
/// <see cref="Reason"/>: <c>not-leased</c> (the pool leases nothing then), <c>excluded</c>, <c>no-account</c> (no
/// scheduler account there), <c>pool-full</c> (no room left for what it had) or <c>less-idle-won</c> (staying would
/// leave more money idle, which the plan weighs first).
/// </summary>
public sealed record PlanMoveView(Instant At, string To, IReadOnlyList<string> From, string Reason);

public sealed record PlannedAllocationView(
    string Team, string Pool, string GpuModel, long Gpus, Instant Start, Instant End, decimal RawGpuHours, decimal EquivalentGpuHours);

public sealed record UnallocatedView(string Pool, decimal GpuHours, long Krw);

/// <summary>
/// A previewed plan: allocations from <see cref="From"/> on that give every active participation the same total, the
/// capacity left unallocated per pool, and the analysis behind it. Commit it by <see cref="PlanId"/> with its ETag.
/// </summary>
/// <remarks>
/// The plan's aims, in order: every team reaches the target; the least idle won (priced as the waste report prices
/// it); the fewest moves; the fewest GPU-count changes. <see cref="ProvenOptimal"/> is false when the solver ran out of
/// time in some round and the best plan it found is shown.
/// </remarks>
public sealed record PlanView(
    string PlanId, string Stage, Instant From, bool Hypothetical, bool WholeNodes, string Granularity, bool AnyPool, CapacityAnalysis Capacity,
    decimal TargetGpuHours, IReadOnlyList<PlannedParticipation> Participations, IReadOnlyList<PlannedAllocationView> Allocations,
    IReadOnlyList<UnallocatedView> Unallocated, decimal UnallocatedGpuHours, long UnallocatedKrw, int Moves, int GpuCountChanges, bool ProvenOptimal);

/// <summary>
/// Commits a previewed plan. A plan that leaves any team short of the entitlement is committed only with
/// <see cref="AcceptShortfall"/> and a <see cref="Reason"/> (recorded in the audit and the stage's equality proof).
/// </summary>
public sealed record CommitPlanRequest(string? PlanId, bool? AcceptShortfall = null, string? Reason = null);

public sealed record PlanCommitted(
    string PlanId, int AllocationsCreated, int AllocationsShortened, int AllocationsRemoved, IReadOnlyList<TeamShortfall> AcceptedShortfalls, string? ShortfallReason);
