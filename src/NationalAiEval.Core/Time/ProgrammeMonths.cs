using NodaTime;
using NodaTime.Text;

namespace NationalAiEval.Core.Time;

/// <summary>
/// Calendar months of the programme's zone (api-docs/DEFINITIONS.md#months-and-hours), written yyyy-MM. Seoul's offset is whole
/// hours, so a month is a whole number of the UTC hours the facts are kept in.
/// </summary>
public static class ProgrammeMonths
{
    public const string Rule = "a month written yyyy-MM, for example 2026-03";

    private static readonly YearMonthPattern Pattern = YearMonthPattern.Iso;

    public static string Text(YearMonth month) => Pattern.Format(month);

    /// <summary>Reads yyyy-MM, years 2000 to 2999 (months outside them hold no programme's figures).</summary>
    public static bool TryParse(string text, out YearMonth month)
    {
        var parsed = Pattern.Parse(text);
        month = parsed.Success ? parsed.Value : default;
        return parsed.Success && parsed.Value.Year is >= 2000 and <= 2999;
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
        return (start.ToUnixTimeSeconds(), end.ToUnixTimeSeconds());
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
