using NodaTime;

namespace NationalAiEval.Core.Planning;

/// <summary>
/// The boundaries a plan may change allocations on (api-docs/DEFINITIONS.md#planner): the starts of days, or of equal
/// parts of a day (every 1, 2, 3, 4, 6, 8 or 12 hours from midnight), in the programme's zone. Nobody moves a training
/// run at 03:24; a provider's admin changes limits once a day.
/// </summary>
public static class PlanSteps
{
    public const string Rule = "PT1H, PT2H, PT3H, PT4H, PT6H, PT8H, PT12H or P1D";

    private static readonly int[] HoursDividingADay = [1, 2, 3, 4, 6, 8, 12];

    /// <summary>Reads a granularity (<see cref="Rule"/>).</summary>
    public static bool TryParse(string? text, out Period granularity)
    {
        granularity = Period.FromDays(1);
        var parsed = NodaTime.Text.PeriodPattern.NormalizingIso.Parse(text ?? string.Empty);
        if (!parsed.Success)
        {
            return false;
        }

        var period = parsed.Value;
        var days = period.Equals(Period.FromDays(1));
        var hours = period.Years == 0 && period.Months == 0 && period.Weeks == 0 && period.Days == 0 && period.Minutes == 0 && period.Seconds == 0
            && period.Milliseconds == 0 && period.Ticks == 0 && period.Nanoseconds == 0 && HoursDividingADay.Contains((int)Math.Min(int.MaxValue, period.Hours));
        if (!days && !hours)
        {
            return false;
        }

        granularity = period;
        return true;
    }

    /// <summary>The boundaries strictly after <paramref name="from"/> and strictly before <paramref name="to"/>.</summary>
    public static IEnumerable<Instant> Between(Period granularity, DateTimeZone zone, Instant from, Instant to)
    {
        ArgumentNullException.ThrowIfNull(granularity);
        ArgumentNullException.ThrowIfNull(zone);
        var hours = granularity.HasTimeComponent ? (int)granularity.Hours : 24;
        var date = from.InZone(zone).Date.PlusDays(-1);
        while (true)
        {
            for (var hour = 0; hour < 24; hour += hours)
            {
                var at = date.At(new LocalTime(hour, 0)).InZoneLeniently(zone).ToInstant();
                if (at >= to)
                {
                    yield break;
                }

                if (at > from)
                {
                    yield return at;
                }
            }

            date = date.PlusDays(1);
        }
    }

    /// <summary>The first boundary at or after <paramref name="at"/>: where a plan made then starts.</summary>
    public static Instant AtOrAfter(Period granularity, DateTimeZone zone, Instant at) =>
        Between(granularity, zone, at - Duration.FromSeconds(1), Instant.MaxValue).First();
}
