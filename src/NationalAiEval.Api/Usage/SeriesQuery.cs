using NationalAiEval.Api.Infrastructure.Http;
using NationalAiEval.Core.Time;
using NodaTime;

namespace NationalAiEval.Api.Usage;

/// <summary>
/// A series query as its endpoint read it: the unit (<c>granularity</c>, default days) and the range asked for
/// (<c>[from, to)</c>, either may be left out). Bad values are one 400 naming every field.
/// </summary>
public sealed record SeriesQuery(UsageGranularity Unit, Instant? From, Instant? To)
{
    public static SeriesQuery Parse(string? from, string? to, string? granularity)
    {
        var v = new Validator();
        var unit = UsageGranularity.Day;
        if (granularity is not null && !EnumText.TryParse(granularity, out unit))
        {
            v.Add("granularity", "must be hour, day or month.");
        }

        var start = v.QueryInstant(from, "from");
        var end = v.QueryInstant(to, "to");
        if (start is { } s && end is { } e)
        {
            v.Ordered(s, e, "to");
        }

        v.ThrowIfInvalid();
        return new SeriesQuery(unit, start, end);
    }

    /// <summary>
    /// The range with its defaults (up to <paramref name="now"/>, the 30 days before the end) and its buckets; a range
    /// that ends before it starts, or holds more than <see cref="SeriesBuckets.MaxBuckets"/> buckets, is refused.
    /// </summary>
    public SeriesRange Resolve(Instant now, DateTimeZone zone)
    {
        var end = To ?? now;
        var start = From ?? end - Duration.FromDays(30);
        if (end <= start)
        {
            throw Problems.Validation("to", "must be after the start.");
        }

        var bounds = SeriesBuckets.Bounds(start, end, Unit, zone).Take(SeriesBuckets.MaxBuckets + 1).ToList();
        return bounds.Count > SeriesBuckets.MaxBuckets
            ? throw Problems.Validation("from", $"the range holds more than {SeriesBuckets.MaxBuckets} {Unit.ToString().ToLowerInvariant()}s; at most {SeriesBuckets.MaxBuckets} a request.")
            : new SeriesRange(Unit, start, end, bounds);
    }
}

/// <summary>A series' unit, its range <c>[Start, End)</c> and the buckets that cut it.</summary>
public sealed record SeriesRange(UsageGranularity Unit, Instant Start, Instant End, List<(Instant Start, Instant End)> Bounds);
