using NationalAiEval.Api.Infrastructure.Http;
using NationalAiEval.Core.Usage;
using NodaTime;

namespace NationalAiEval.Api.Usage;

/// <summary>Cuts a time range into the buckets of a series: UTC hours, or days and months of the programme's zone.</summary>
public static class UsageBuckets
{
    /// <summary>At most this many buckets in one answer: two months of hours, ten years of days.</summary>
    public const int MaxBuckets = 3_660;

    /// <summary>Bucket boundaries covering [from, to); the first and last may be partial.</summary>
    public static IEnumerable<(Instant Start, Instant End)> Bounds(Instant from, Instant to, UsageGranularity unit, DateTimeZone zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var cursor = from;
        while (cursor < to)
        {
            var next = unit switch
            {
                UsageGranularity.Hour => Unix.Instant(HourlyBuckets.HourOf(Unix.Seconds(cursor)) + HourlyBuckets.HourSeconds),
                UsageGranularity.Day => cursor.InZone(zone).Date.PlusDays(1).AtStartOfDayInZone(zone).ToInstant(),
                _ => cursor.InZone(zone).Date.With(DateAdjusters.StartOfMonth).PlusMonths(1).AtStartOfDayInZone(zone).ToInstant(),
            };
            var end = next < to ? next : to;
            yield return (cursor, end);
            cursor = end;
        }
    }

    /// <summary>
    /// The series a query asks for: its unit (<c>granularity</c>, default days), its range (<c>[from, to)</c>, default the
    /// 30 days up to <paramref name="now"/>) and the buckets that cut it. Bad values are one 400 naming every field.
    /// </summary>
    public static SeriesRange Series(string? from, string? to, string? granularity, Instant now, DateTimeZone zone)
    {
        var v = new Validator();
        var unit = Granularity(v, granularity, UsageGranularity.Day);
        var end = v.QueryInstant(to, "to") ?? now;
        var start = v.QueryInstant(from, "from") ?? end - Duration.FromDays(30);
        v.Ordered(start, end, "to");
        v.ThrowIfInvalid();
        return new SeriesRange(unit, start, end, Within(start, end, unit, zone));
    }

    /// <summary>Reads <c>granularity</c> (default <paramref name="fallback"/>) into <paramref name="v"/>'s errors.</summary>
    public static UsageGranularity Granularity(Validator v, string? granularity, UsageGranularity fallback)
    {
        ArgumentNullException.ThrowIfNull(v);
        if (granularity is null)
        {
            return fallback;
        }

        if (!EnumText.TryParse<UsageGranularity>(granularity, out var unit))
        {
            v.Add("granularity", "must be hour, day or month.");
        }

        return unit;
    }

    /// <summary>Refuses a range with more than <see cref="MaxBuckets"/> buckets, naming <c>from</c>.</summary>
    public static List<(Instant Start, Instant End)> Within(Instant from, Instant to, UsageGranularity unit, DateTimeZone zone)
    {
        var bounds = Bounds(from, to, unit, zone).Take(MaxBuckets + 1).ToList();
        return bounds.Count > MaxBuckets
            ? throw Problems.Validation("from", $"the range holds more than {MaxBuckets} {unit.ToString().ToLowerInvariant()}s; at most {MaxBuckets} a request.")
            : bounds;
    }
}

/// <summary>A series' unit, its range <c>[Start, End)</c> and the buckets that cut it.</summary>
public sealed record SeriesRange(UsageGranularity Unit, Instant Start, Instant End, List<(Instant Start, Instant End)> Bounds);
