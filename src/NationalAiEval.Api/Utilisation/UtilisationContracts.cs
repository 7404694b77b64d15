using NationalAiEval.Api.Usage;
using NationalAiEval.Core.Time;
using NodaTime;

namespace NationalAiEval.Api.Utilisation;

/// <summary>
/// A pool's capacity in <c>[Start, End)</c>, in GPU-hours: leased = used + idle unallocated + idle allocated-unused.
/// Low utilisation is part of used; excess is usage reported beyond what was leased (counted nowhere else).
/// <c>UtilisationPercent</c> is used / leased.
/// </summary>
public sealed record UtilisationPoint(
    Instant Start, Instant End, decimal LeasedGpuHours, decimal AllocatedGpuHours, decimal UsedGpuHours, decimal IdleUnallocatedGpuHours,
    decimal IdleAllocatedUnusedGpuHours, decimal LowUtilisationGpuHours, decimal ExcessGpuHours, decimal UtilisationPercent);

/// <summary>
/// A pool's utilisation series. Days and months are those of <see cref="TimeZone"/>; hours are UTC hours. Figures come
/// from the hourly idle facts, which the detect-idle job keeps up to <see cref="ComputedUntil"/>.
/// </summary>
public sealed record UtilisationSeriesView(
    string Pool, UsageGranularity Granularity, string TimeZone, Instant From, Instant To, Instant? ComputedUntil,
    UtilisationPoint Total, IReadOnlyList<UtilisationPoint> Points);
