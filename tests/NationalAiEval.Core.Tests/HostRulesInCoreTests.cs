using NationalAiEval.Core.Forecasting;
using NationalAiEval.Core.Idle;
using NationalAiEval.Core.Time;
using NationalAiEval.Core.Usage;
using NodaTime;

namespace NationalAiEval.Core.Tests;

/// <summary>Rules that used to be written in the host: team-day flags, the per-hour idle assembly, lease expiries, series buckets, months.</summary>
public sealed class HostRulesInCoreTests
{
    private const long Hour = 3600;
    private static readonly long Day0 = Instant.FromUtc(2026, 3, 1, 0, 0).ToUnixTimeSeconds();

    [Fact]
    public void ATeamDay_SplitsIntoOutsideWindow_AfterEnd_NoAllocation_AndOveruse()
    {
        HeldGpus[] held = [new(2, Day0 + Hour, Day0 + (3 * Hour)), new(1, Day0 + (2 * Hour) + 1800, Day0 + (4 * Hour))];
        TeamHourUse[] hours =
        [
            new(Day0, 3600, HourAttribution.Charged),                              // no allocation then
            new(Day0 + Hour, 9000, HourAttribution.Charged),                       // 7,200 held: 1,800 over
            new(Day0 + (2 * Hour), 9000, HourAttribution.Charged),                 // 7,200 + 1,800 held: none over
            new(Day0 + (3 * Hour), 100, HourAttribution.AfterEnd),
            new(Day0 + (5 * Hour), 50, HourAttribution.OutsideWindow),
        ];

        Assert.Equal(new TeamDayBreaches(50, 100, 3600, 1800), TeamDayUse.Breaches(hours, held));
        Assert.Equal(9000, TeamDayUse.AllocatedGpuSeconds(held, Day0 + (2 * Hour)));
    }

    [Fact]
    public void IdleHours_CountPartialLeaseHours_AndLeaveEmptyHoursOut()
    {
        PricedLease[] leases = [new(8, Day0 + 1800, Day0 + (2 * Hour), 1000)];
        TeamAllocation[] allocations = [new(7, 4, Day0, Day0 + (2 * Hour))];
        var used = new Dictionary<(long, long), long> { [(7, Day0 + Hour)] = 3600 };

        var hours = IdleHours.Compute(Day0 - Hour, Day0 + (3 * Hour), leases, allocations, used, new Dictionary<long, long>(),
            new Dictionary<(long, long), HourReadings> { [(7, Day0 + Hour)] = new(4, 1) }).ToList();

        Assert.Equal([Day0, Day0 + Hour], hours.Select(h => h.HourUnix));
        Assert.Equal((8 * 1800L, 4 * 3600L, 0L), (hours[0].Breakdown.Leased, hours[0].Breakdown.Allocated, hours[0].Breakdown.Used));
        Assert.Equal((8 * 3600L, 3600L, 3 * 3600L, 900L * 1_000_000), (hours[1].Breakdown.Leased, hours[1].Breakdown.Used,
            hours[1].Breakdown.AllocatedUnused, hours[1].Breakdown.LowUtilisationMicro));
    }

    [Fact]
    public void StaleRanges_MergeWhereTheyTouchOrOverlap()
    {
        Assert.Equal([(0L, 30L), (40L, 50L)], IdleHours.Merge([(20, 30), (0, 10), (10, 25), (40, 50)]).ToList());
    }

    [Fact]
    public void ALeaseExpiry_IsWarnedAtTheNearestMark_OnlyWhenThePoolShrinks()
    {
        var from = Day0;
        LeaseLineSpan[] lines =
        [
            new(1, 1, 8, from - (10 * 86_400), from + (5 * 86_400)),            // ends in 5 days, not renewed
            new(2, 2, 8, from - (10 * 86_400), from + (20 * 86_400)),           // ends in 20 days, renewed by 3
            new(3, 2, 8, from + (20 * 86_400), from + (90 * 86_400)),
            new(4, 1, 4, from - (10 * 86_400), from + (13 * 86_400) + 1),       // 13 days and a second: 14 days left
            new(5, 1, 4, from - (10 * 86_400), from + (31 * 86_400)),           // beyond 30 days
        ];

        var expiries = LeaseExpiries.From(lines, from);

        Assert.Equal([(1L, 5, 7, 16L, 8L), (4L, 14, 14, 8L, 4L)], expiries.Select(e => (e.Line.Id, e.DaysLeft, e.Within, e.GpusBefore, e.GpusAfter)));
    }

    [Fact]
    public void SeriesBuckets_FollowTheZonesDaysAndMonths_WithPartialEnds()
    {
        var seoul = DateTimeZoneProviders.Tzdb["Asia/Seoul"];
        var from = Instant.FromUtc(2026, 1, 30, 20, 0);
        var to = Instant.FromUtc(2026, 3, 1, 0, 0);

        var months = SeriesBuckets.Bounds(from, to, UsageGranularity.Month, seoul).ToList();

        Assert.Equal([from, Instant.FromUtc(2026, 1, 31, 15, 0), Instant.FromUtc(2026, 2, 28, 15, 0)], months.Select(b => b.Start));
        Assert.Equal(to, months[^1].End);
        Assert.Equal(2, SeriesBuckets.Bounds(Instant.FromUtc(2026, 1, 1, 0, 30), Instant.FromUtc(2026, 1, 1, 1, 30), UsageGranularity.Hour, seoul).Count());
    }

    [Theory]
    [InlineData("2026-03", true)]
    [InlineData("1999-12", false)]
    [InlineData("2026-3", false)]
    [InlineData("2026-03-01", false)]
    public void ProgrammeMonths_AreReadAsYearDashMonth_InTheProgrammesYears(string text, bool valid)
    {
        Assert.Equal(valid, ProgrammeMonths.TryParse(text, out _));
    }
}
