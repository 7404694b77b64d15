using NodaTime;

namespace NationalAiEval.Api.Infrastructure.Http;

/// <summary>
/// A <c>from</c>/<c>to</c> pair of a query string as an endpoint read it (ISO-8601 instants; either may be left out).
/// Services take it parsed, never the strings.
/// </summary>
public sealed record QueryRange(Instant? From, Instant? To)
{
    public long? FromUnix => From is { } f ? Unix.Seconds(f) : null;

    public long? ToUnix => To is { } t ? Unix.Seconds(t) : null;

    /// <summary>Reads both, or throws one 400 naming each field that is wrong.</summary>
    public static QueryRange Parse(string? from, string? to, bool ordered = false)
    {
        var v = new Validator();
        var range = Read(v, from, to, ordered);
        v.ThrowIfInvalid();
        return range;
    }

    /// <summary>Reads both into <paramref name="v"/>'s errors; when <paramref name="ordered"/>, <c>to</c> must be after <c>from</c> if both are given.</summary>
    public static QueryRange Read(Validator v, string? from, string? to, bool ordered = false)
    {
        ArgumentNullException.ThrowIfNull(v);
        var range = new QueryRange(v.QueryInstant(from, "from"), v.QueryInstant(to, "to"));
        if (ordered && range.From is { } start && range.To is { } end)
        {
            v.Ordered(start, end, "to");
        }

        return range;
    }
}
