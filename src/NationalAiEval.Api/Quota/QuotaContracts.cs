using NationalAiEval.Api.Participations;
using NationalAiEval.Core.Allocations;
using NodaTime;

namespace NationalAiEval.Api.Quota;

public sealed record PoolAllocation(string Pool, string GpuModel, decimal RawGpuHours, decimal EquivalentGpuHours);

public sealed record AllocatedSummary(decimal EquivalentGpuHours, long EquivalentMilliEghSeconds, IReadOnlyList<PoolAllocation> ByPool);

public sealed record DataGrantSummary(long GrantedKrw, long RemainingKrw);

/// <summary>
/// A team's position in one stage. <see cref="StillToAllocateGpuHours"/> is entitlement minus allocated: what the
/// manager must still plan (negative when more was allocated than the entitlement; zero once the participation ended).
/// <see cref="BalanceGpuHours"/> is the GPU ledger balance (grants, usage, forfeits).
/// </summary>
public sealed record StageQuota(
    string Stage, string StageName, ParticipationKind Kind, ParticipationStatus Status, Instant? EndedAt,
    Instant WindowStart, Instant WindowEnd, long WindowDays, LocalDate? EligibleFrom,
    decimal EntitlementGpuHours, decimal GrantedGpuHours, decimal BalanceGpuHours,
    AllocatedSummary Allocated, decimal StillToAllocateGpuHours, DataGrantSummary DataGrant);

public sealed record QuotaView(string Team, Instant AsOf, IReadOnlyList<StageQuota> Stages);
