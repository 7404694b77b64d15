using NodaTime;

namespace NationalAiEval.Core.Time;

/// <summary>
/// A participation's window is <c>[join 00:00, join + duration 00:00)</c> in the stage's time zone (api-docs/DEFINITIONS.md#windows).
/// Equal duration means an equal number of calendar days; in a zone with daylight saving the elapsed hours
/// of two equal windows can differ by the hour that the clocks moved.
/// </summary>
public sealed record ParticipationWindow(LocalDate JoinDate, LocalDate EndDate, Interval Span)
{
    public int Days => Period.Between(JoinDate, EndDate, PeriodUnits.Days).Days;

    public long Seconds => (long)(Span.End - Span.Start).TotalSeconds;

    public static ParticipationWindow For(LocalDate joinDate, int durationDays, DateTimeZone zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        ArgumentOutOfRangeException.ThrowIfLessThan(durationDays, 1);
        var endDate = joinDate.PlusDays(durationDays);
        return new ParticipationWindow(joinDate, endDate, new Interval(StartOfDay(joinDate, zone), StartOfDay(endDate, zone)));
    }

    /// <summary>
    /// The first instant of a local date. Where midnight does not exist (a spring-forward gap at 00:00),
    /// the day starts at the first valid instant, as NodaTime's <c>AtStartOfDayInZone</c> defines.
    /// </summary>
    public static Instant StartOfDay(LocalDate date, DateTimeZone zone) => date.AtStartOfDayInZone(zone).ToInstant();
}
