using NationalAiEval.Api.Participations;
using NationalAiEval.Core.Allocations;
using NationalAiEval.Core.Quota;
using NodaTime;

namespace NationalAiEval.Api.Quota;

public sealed record PoolAmount(string Pool, string GpuModel, decimal RawGpuHours, decimal EquivalentGpuHours);

public sealed record AmountByPool(decimal EquivalentGpuHours, long EquivalentMilliEghSeconds, IReadOnlyList<PoolAmount> ByPool);

public sealed record DataGrantSummary(long GrantedKrw, long DrawnKrw, long RemainingKrw);

/// <summary>
/// The pace of the last 7 and 30 days (equivalent GPU-hours a day), when the 7-day pace would exhaust the entitlement
/// (if before the window ends), what it would leave unused at the window's end, and the verdict.
/// </summary>
public sealed record QuotaForecast(
    decimal BurnRate7DaysGpuHoursPerDay, decimal BurnRate30DaysGpuHoursPerDay, Instant? ProjectedExhaustion, decimal ProjectedUnusedGpuHours,
    QuotaStatus Status);

/// <summary>
/// A team's position in one stage (api-docs/DEFINITIONS.md#remaining): <see cref="RemainingGpuHours"/> is entitlement
/// minus used, what the team may still consume (never below zero; zero once ended or its window is over);
/// <see cref="ExceededGpuHours"/> is what was used beyond the entitlement; <see cref="StillToAllocateGpuHours"/> is
/// entitlement minus allocated, what the manager must still plan. Neither is derived from the other.
/// <see cref="AllocatedAheadGpuHours"/> is allocated from now on. <see cref="BalanceGpuHours"/> is the ledger's GPU
/// balance: grants minus charged usage, plus forfeits; equal to remaining minus exceeded while the participation
/// runs, and zero once its end has taken effect and its forfeit is posted.
/// </summary>
public sealed record StageQuota(
    string Stage, string StageName, ParticipationKind Kind, ParticipationStatus Status, Instant? EndedAt,
    Instant WindowStart, Instant WindowEnd, long WindowDays, LocalDate? EligibleFrom,
    decimal EntitlementGpuHours, AmountByPool Used, decimal RemainingGpuHours, decimal ExceededGpuHours, AmountByPool Allocated, decimal AllocatedAheadGpuHours,
    decimal StillToAllocateGpuHours, decimal BalanceGpuHours, QuotaForecast Forecast, DataGrantSummary DataGrant);

public sealed record QuotaView(string Team, Instant AsOf, IReadOnlyList<StageQuota> Stages);
