using NationalAiEval.Api.Infrastructure.Http;
using NationalAiEval.Core.Quota;
using NodaTime;

namespace NationalAiEval.Api.Forecast;

/// <summary>
/// GPUs of a pool that no allocation will use over <c>[From, To)</c>, for one cause: freed-by-elimination,
/// gap-before-late-join, lease-outlives-windows or unplanned. Priced in KRW at the dearest lease lines in force.
/// </summary>
public sealed record UnallocatedSegmentView(
    string Pool, string Provider, string GpuModel, Instant From, Instant To, long Gpus, string Cause, decimal GpuHours, long Krw);

public sealed record UnallocatedTotalView(string Name, decimal GpuHours, long Krw);

/// <summary>
/// A lease line ending within 30 days after which the pool has fewer GPUs: <see cref="Within"/> is the warning it
/// falls under (30, 14 or 7 days).
/// </summary>
public sealed record LeaseExpiryView(string Pool, long LeaseId, string? Reference, Instant End, int DaysLeft, int Within, long GpusBefore, long GpusAfter);

/// <summary>A participation whose pace would leave part of its entitlement unused, or use it up before its window ends.</summary>
public sealed record EntitlementRiskView(
    string Stage, string Team, QuotaStatus Status, Instant WindowEnd, decimal EntitlementGpuHours, decimal RemainingGpuHours, decimal AllocatedAheadGpuHours,
    decimal ProjectedUnusedGpuHours, decimal BurnRate7DaysGpuHoursPerDay, Instant? ProjectedExhaustion);

/// <summary>A stage whose leases cannot give every active team its entitlement: the planner's max equal share is below it.</summary>
public sealed record LeaseShortfallView(string Stage, decimal EntitlementGpuHours, decimal MaxEqualShareGpuHours, long ExtraLeaseKrw);

/// <summary>
/// What lies ahead from <see cref="AsOf"/> to <see cref="Until"/>: leased capacity no allocation will use (by cause and
/// by pool, and each stretch), lease lines ending within 30 days, entitlements at risk (judged now, at the current
/// pace) and stages short of leases. Leases, allocations and participations are taken as they are now.
/// </summary>
public sealed record ForecastView(
    Instant AsOf, Instant Until, decimal UnallocatedGpuHours, long UnallocatedKrw, IReadOnlyList<UnallocatedTotalView> ByCause,
    IReadOnlyList<UnallocatedTotalView> ByPool, IReadOnlyList<UnallocatedSegmentView> Unallocated, IReadOnlyList<LeaseExpiryView> LeaseExpiries,
    IReadOnlyList<EntitlementRiskView> EntitlementsAtRisk, IReadOnlyList<LeaseShortfallView> LeaseShortfalls);

/// <summary>The forecast's query as its endpoint read it: from <c>asOf</c> (default now) to <c>until</c> (default the last lease's end).</summary>
public sealed record ForecastQuery(Instant? AsOf, Instant? Until)
{
    public static ForecastQuery Parse(string? asOf, string? until)
    {
        var v = new Validator();
        var from = v.QueryInstant(asOf, "asOf");
        var to = v.QueryInstant(until, "until");
        v.ThrowIfInvalid();
        return new ForecastQuery(from, to);
    }
}
