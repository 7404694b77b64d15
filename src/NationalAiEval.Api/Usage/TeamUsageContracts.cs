using NationalAiEval.Core.Time;
using NodaTime;

namespace NationalAiEval.Api.Usage;

public sealed record PoolUsage(string Pool, decimal RawGpuHours, decimal EquivalentGpuHours);

/// <summary>Usage in <c>[Start, End)</c>: raw GPU-hours per pool, and the total in equivalent GPU-hours.</summary>
public sealed record UsageBucket(Instant Start, Instant End, decimal RawGpuHours, decimal EquivalentGpuHours, IReadOnlyList<PoolUsage> ByPool);

/// <summary>A team's usage over time. Days and months are those of <see cref="TimeZone"/>; hours are UTC hours.</summary>
public sealed record TeamUsageView(
    string Team, UsageGranularity Granularity, string TimeZone, Instant From, Instant To, UsageBucket Total, IReadOnlyList<UsageBucket> Buckets);
