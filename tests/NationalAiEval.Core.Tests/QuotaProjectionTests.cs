using NationalAiEval.Core.Quota;
using NationalAiEval.Core.Units;
using NodaTime;

namespace NationalAiEval.Core.Tests;

public sealed class QuotaProjectionTests
{
    private static readonly Instant Start = Instant.FromUtc(2026, 1, 1, 0, 0);
    private static readonly Interval Window = new(Start, Start + Duration.FromDays(100));

    /// <summary>A team entitled to 100 days x 100 EGH/day that has run at <paramref name="perDay"/> EGH/day for <paramref name="days"/> days.</summary>
    private static QuotaProjectionResult After(int days, long perDay, bool ended = false)
    {
        var egh = GpuTime.MilliEghSecondsFromEgh(1);
        return QuotaProjection.Project(new QuotaProjectionInput(
            100 * 100 * egh, days * perDay * egh, Window, Window.Start, Start + Duration.FromDays(days), ended,
            Math.Min(days, 7) * perDay * egh, Math.Min(days, 30) * perDay * egh, 0));
    }

    [Fact]
    public void AtTheEqualPace_IsOnTrack()
    {
        var result = After(40, 100);

        Assert.Equal(QuotaStatus.OnTrack, result.Status);
        Assert.Equal(100m, result.BurnRate7DaysGpuHoursPerDay);
        Assert.Equal(0, result.ProjectedUnusedMilliEghSeconds);
        Assert.Null(result.ProjectedExhaustion);
    }

    [Fact]
    public void AtHalfPace_LeavesAQuarterUnused()
    {
        var result = After(50, 50);

        Assert.Equal(QuotaStatus.AtRiskOfUnused, result.Status);
        Assert.Equal(GpuTime.MilliEghSecondsFromEgh(10_000 - 2_500 - 2_500), result.ProjectedUnusedMilliEghSeconds);
    }

    [Fact]
    public void AtDoublePace_ExhaustsEarly_OnTheRightDay()
    {
        var result = After(20, 200);

        Assert.Equal(QuotaStatus.WillExhaustEarly, result.Status);
        Assert.Equal(Start + Duration.FromDays(50), result.ProjectedExhaustion);
    }

    [Fact]
    public void EverythingUsed_IsExhausted() => Assert.Equal(QuotaStatus.Exhausted, After(50, 200).Status);

    [Fact]
    public void UsedBeyondTheEntitlement_LeavesNothingRemaining_AndShowsTheExcess()
    {
        var result = After(60, 200);

        Assert.Equal((0L, 20 * 100 * GpuTime.MilliEghSecondsFromEgh(1)), (result.RemainingMilliEghSeconds, result.ExceededMilliEghSeconds));
    }

    [Fact]
    public void AfterAnEndOrTheWindowsClose_NothingRemains_AndNothingIsProjected()
    {
        var ended = After(40, 50, ended: true);
        var over = After(100, 50);

        Assert.Equal((QuotaStatus.Ended, 0L, 0L), (ended.Status, ended.RemainingMilliEghSeconds, ended.ProjectedUnusedMilliEghSeconds));
        Assert.Equal((QuotaStatus.Ended, 0L, 0L), (over.Status, over.RemainingMilliEghSeconds, over.ProjectedUnusedMilliEghSeconds));
        Assert.Null(over.ProjectedExhaustion);
    }

    [Theory]
    [InlineData(1000, QuotaStatus.OnTrack, 0)]
    [InlineData(400, QuotaStatus.AtRiskOfUnused, 600)]
    public void BeforeItMayUseGpus_ATeamIsJudgedOnWhatIsAllocatedAhead(long allocatedAhead, QuotaStatus status, long unused)
    {
        var eligible = Start + Duration.FromDays(60);

        var result = QuotaProjection.Project(new QuotaProjectionInput(1000, 0, Window, eligible, Start + Duration.FromDays(10), false, 0, 0, allocatedAhead));

        Assert.Equal((status, unused, 0m), (result.Status, result.ProjectedUnusedMilliEghSeconds, result.BurnRate7DaysGpuHoursPerDay));
    }

    [Fact]
    public void AfterEligibility_ThePaceCountsOnlyTheDaysSinceIt()
    {
        var egh = GpuTime.MilliEghSecondsFromEgh(1);
        var eligible = Start + Duration.FromDays(60);

        var result = QuotaProjection.Project(new QuotaProjectionInput(
            100 * 100 * egh, 2 * 250 * egh, Window, eligible, eligible + Duration.FromDays(2), false, 2 * 250 * egh, 2 * 250 * egh, 0));

        Assert.Equal(250m, result.BurnRate7DaysGpuHoursPerDay);
        Assert.Equal(QuotaStatus.OnTrack, result.Status);
    }

    [Fact]
    public void ThreeDaysIn_ThePaceIsMeasuredOverThreeDays() => Assert.Equal(100m, After(3, 100).BurnRate7DaysGpuHoursPerDay);
}
