using NationalAiEval.Core.Usage;
using NodaTime;

namespace NationalAiEval.Core.Time;

/// <summary>The unit of a series: UTC hours, or days and months of the programme's zone.</summary>
public enum UsageGranularity
{
    Hour,
    Day,
    Month,
}

/// <summary>
/// Cuts a time range into the buckets of a series (api-docs/DEFINITIONS.md#months-and-hours): UTC hours, or days and
/// months of the programme's zone. The first and last bucket may be partial.
/// </summary>
public static class SeriesBuckets
{
    /// <summary>At most this many buckets in one answer: two months of hours, ten years of days.</summary>
    public const int MaxBuckets = 3_660;

    /// <summary>Bucket boundaries covering <c>[from, to)</c>.</summary>
    public static IEnumerable<(Instant Start, Instant End)> Bounds(Instant from, Instant to, UsageGranularity unit, DateTimeZone zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var cursor = from;
        while (cursor < to)
        {
            var next = unit switch
            {
                UsageGranularity.Hour => Instant.FromUnixTimeSeconds(HourlyBuckets.HourOf(cursor.ToUnixTimeSeconds()) + HourlyBuckets.HourSeconds),
                UsageGranularity.Day => cursor.InZone(zone).Date.PlusDays(1).AtStartOfDayInZone(zone).ToInstant(),
                _ => cursor.InZone(zone).Date.With(DateAdjusters.StartOfMonth).PlusMonths(1).AtStartOfDayInZone(zone).ToInstant(),
            };
            var end = next < to ? next : to;
            yield return (cursor, end);
            cursor = end;
        }
    }
}
