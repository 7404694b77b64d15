using NationalAiEval.Api.Infrastructure.Http;
using NodaTime;
using NodaTime.Text;

namespace NationalAiEval.Api.Periods;

/// <summary>
/// Calendar months of the programme's zone (api-docs/DEFINITIONS.md#months-and-hours), written yyyy-MM. Seoul's offset is whole
/// hours, so a month is a whole number of the UTC hours the facts are kept in.
/// </summary>
public static class ProgrammeMonths
{
    private static readonly YearMonthPattern Pattern = YearMonthPattern.Iso;

    public static string Text(YearMonth month) => Pattern.Format(month);

    /// <summary>Reads <paramref name="text"/> as yyyy-MM into <paramref name="v"/>'s errors; null when absent or wrong.</summary>
    public static YearMonth? Parse(Validator v, string? text, string field)
    {
        ArgumentNullException.ThrowIfNull(v);
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        var parsed = Pattern.Parse(text);
        if (parsed.Success && parsed.Value.Year is >= 2000 and <= 2999)
        {
            return parsed.Value;
        }

        v.Add(field, "must be a month written yyyy-MM, for example 2026-03.");
        return null;
    }

    public static YearMonth Of(Instant instant, DateTimeZone zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        return instant.InZone(zone).Date.ToYearMonth();
    }

    public static YearMonth Next(YearMonth month) => month.OnDayOfMonth(1).PlusMonths(1).ToYearMonth();

    public static YearMonth Previous(YearMonth month) => month.OnDayOfMonth(1).PlusMonths(-1).ToYearMonth();

    /// <summary>The month's start and end as unix seconds: <c>[start, end)</c>.</summary>
    public static (long StartUnix, long EndUnix) Bounds(YearMonth month, DateTimeZone zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var start = month.OnDayOfMonth(1).AtStartOfDayInZone(zone).ToInstant();
        var end = Next(month).OnDayOfMonth(1).AtStartOfDayInZone(zone).ToInstant();
        return (Unix.Seconds(start), Unix.Seconds(end));
    }

    /// <summary>Every month from <paramref name="from"/> to <paramref name="to"/>, both included.</summary>
    public static IEnumerable<YearMonth> Range(YearMonth from, YearMonth to)
    {
        for (var month = from; month.CompareTo(to) <= 0; month = Next(month))
        {
            yield return month;
        }
    }
}
