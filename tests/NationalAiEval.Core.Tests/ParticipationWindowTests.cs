using FsCheck;
using FsCheck.Fluent;
using NationalAiEval.Core.Time;
using NodaTime;
using Interval = NodaTime.Interval;

namespace NationalAiEval.Core.Tests;

public sealed class ParticipationWindowTests
{
    private static readonly DateTimeZone Seoul = DateTimeZoneProviders.Tzdb["Asia/Seoul"];
    private static readonly DateTimeZone Berlin = DateTimeZoneProviders.Tzdb["Europe/Berlin"];

    [Fact]
    public void Window_InSeoul_StartsAtLocalMidnightAndLastsWholeDays()
    {
        var window = ParticipationWindow.For(new LocalDate(2026, 2, 20), 166, Seoul);

        Assert.Equal(Instant.FromUtc(2026, 2, 19, 15, 0), window.Span.Start);
        Assert.Equal(new LocalDate(2026, 8, 5), window.EndDate);
        Assert.Equal(Instant.FromUtc(2026, 8, 4, 15, 0), window.Span.End);
        Assert.Equal(166, window.Days);
        Assert.Equal(166L * 24 * 3600, window.Seconds);
    }

    [Fact]
    public void Window_AcrossSpringForward_HasEqualDaysButOneHourLess()
    {
        // Berlin moves its clocks from 02:00 to 03:00 on 2026-03-29.
        var before = ParticipationWindow.For(new LocalDate(2026, 1, 5), 30, Berlin);
        var across = ParticipationWindow.For(new LocalDate(2026, 3, 15), 30, Berlin);

        Assert.Equal(before.Days, across.Days);
        Assert.Equal(30L * 24 * 3600, before.Seconds);
        Assert.Equal((30L * 24 - 1) * 3600, across.Seconds);
    }

    [Fact]
    public void Window_AcrossFallBack_HasOneHourMore()
    {
        var across = ParticipationWindow.For(new LocalDate(2026, 10, 20), 30, Berlin);

        Assert.Equal(30, across.Days);
        Assert.Equal((30L * 24 + 1) * 3600, across.Seconds);
    }

    [Fact]
    public void StartOfDay_WhereMidnightDoesNotExist_IsTheFirstValidInstant()
    {
        // Sao Paulo skipped 00:00-01:00 on 2018-11-04: that day began at 01:00 local, 03:00 UTC.
        var zone = DateTimeZoneProviders.Tzdb["America/Sao_Paulo"];

        Assert.Equal(Instant.FromUtc(2018, 11, 4, 3, 0), ParticipationWindow.StartOfDay(new LocalDate(2018, 11, 4), zone));
    }

    [Fact]
    public void LateJoiner_WindowEndsLaterByExactlyTheDelay()
    {
        var original = ParticipationWindow.For(new LocalDate(2026, 1, 16), 200, Seoul);
        var late = ParticipationWindow.For(new LocalDate(2026, 2, 20), 200, Seoul);

        Assert.Equal(original.Seconds, late.Seconds);
        Assert.Equal(Duration.FromDays(35), late.Span.End - original.Span.End);
    }

    [FsCheck.Xunit.Property(MaxTest = 300)]
    public FsCheck.Property EveryWindowInSeoul_IsExactlyDurationTimes24Hours() =>
        Prop.ForAll(Dates(), Durations(), (join, days) =>
        {
            var window = ParticipationWindow.For(join, days, Seoul);
            return window.Days == days && window.Seconds == days * 24L * 3600 && window.Span.Start < window.Span.End;
        });

    [FsCheck.Xunit.Property(MaxTest = 300)]
    public FsCheck.Property EveryWindowInBerlin_HasTheDurationInDays_AndHoursWithinOneOfIt() =>
        Prop.ForAll(Dates(), Durations(), (join, days) =>
        {
            var window = ParticipationWindow.For(join, days, Berlin);
            var hours = window.Seconds / 3600;
            return window.Days == days && window.Seconds % 3600 == 0 && Math.Abs(hours - days * 24L) <= 1
                && window.Span.Start.InZone(Berlin).TimeOfDay == LocalTime.Midnight;
        });

    [FsCheck.Xunit.Property(MaxTest = 200)]
    public FsCheck.Property TwoJoinDates_SameDuration_EqualLengthInDays_InAnyZone() =>
        Prop.ForAll(Dates(), Dates(), Durations(), (a, b, days) =>
            ParticipationWindow.For(a, days, Berlin).Days == ParticipationWindow.For(b, days, Berlin).Days);

    internal static Arbitrary<LocalDate> Dates() =>
        Gen.Choose(0, 365 * 30).Select(offset => new LocalDate(2010, 1, 1).PlusDays(offset)).ToArbitrary();

    private static Arbitrary<int> Durations() => Gen.Choose(1, 800).ToArbitrary();
}
