using NationalAiEval.Core.Forecasting;

namespace NationalAiEval.Core.Tests;

public sealed class UnallocatedForecastTests
{
    private const long Day = 86_400;
    private static readonly IReadOnlySet<long> None = new HashSet<long>();

    private static ForecastParticipation Team(long id, long startDay, long endDay, long? endedDay = null, params long[] excluded) =>
        new(id, startDay * Day, endDay * Day, startDay * Day, endedDay * Day, excluded.ToHashSet());

    [Fact]
    public void BeforeALateTeamJoins_FreeCapacityIsTheGap_ThenUnplanned_ThenTheLeaseOutlivesTheWindows()
    {
        // 8 GPUs for 100 days; team 1 (days 0-60) holds 4 throughout; team 2 joins on day 20 (to day 80).
        var segments = UnallocatedForecast.Compute(
            [new ForecastLease(1, 8, 0, 100 * Day, 1000)],
            [new ForecastAllocation(1, 1, 4, 0, 60 * Day)],
            [Team(1, 0, 60), Team(2, 20, 80)],
            0, 100 * Day);

        Assert.Equal(
            [(0L, 20L, 4L, UnallocatedCause.GapBeforeLateJoin), (20, 60, 4, UnallocatedCause.Unplanned), (60, 80, 8, UnallocatedCause.Unplanned),
                (80, 100, 8, UnallocatedCause.LeaseOutlivesWindows)],
            segments.Select(s => (s.Start / Day, s.End / Day, s.Gpus, s.Cause)));
        Assert.Equal(4 * 20 * Day * 1000, segments[0].KrwNumerator);
    }

    [Fact]
    public void ALeaseThatEndsBeforeTheLateTeamCanStart_IsNotAGapBeforeItsJoin()
    {
        // Pool 1 leased days 0-30 with team 1 (days 0-100) using none of it; team 2 joins a later stage on day 40.
        var segments = UnallocatedForecast.Compute(
            [new ForecastLease(1, 8, 0, 30 * Day, 1000), new ForecastLease(2, 8, 0, 60 * Day, 1000)],
            [],
            [Team(1, 0, 100), Team(2, 40, 140)],
            0, 60 * Day);

        Assert.Equal([(0L, 30L, 8L, UnallocatedCause.Unplanned)], segments.Where(s => s.PoolId == 1).Select(s => (s.Start / Day, s.End / Day, s.Gpus, s.Cause)));
        Assert.Equal([(0L, 40L, 8L, UnallocatedCause.GapBeforeLateJoin), (40L, 60L, 8L, UnallocatedCause.Unplanned)],
            segments.Where(s => s.PoolId == 2).Select(s => (s.Start / Day, s.End / Day, s.Gpus, s.Cause)));
    }

    [Fact]
    public void FreedGpus_TakeTheDearestUnallocatedLines_AndTheOtherCausesTheNextOnes()
    {
        // Lines at 9,000 (2 GPUs), 5,000 (2) and 1,000 (4); team 2 holds 2 (the cheapest); team 1 gave back 3 on day 10.
        var segments = UnallocatedForecast.Compute(
            [new ForecastLease(1, 2, 0, 50 * Day, 9000), new ForecastLease(1, 2, 0, 50 * Day, 5000), new ForecastLease(1, 4, 0, 50 * Day, 1000)],
            [new ForecastAllocation(1, 1, 3, 0, 10 * Day), new ForecastAllocation(2, 1, 2, 0, 50 * Day)],
            [Team(1, 0, 50, endedDay: 10), Team(2, 0, 50)],
            10 * Day, 50 * Day);

        var freed = segments.Single(s => s.Cause == UnallocatedCause.FreedByElimination);
        var other = segments.Single(s => s.Cause == UnallocatedCause.Unplanned);
        Assert.Equal((3L, ((2 * 9000) + 5000) * 40 * Day), (freed.Gpus, freed.KrwNumerator));
        Assert.Equal((3L, (5000 + (2 * 1000)) * 40 * Day), (other.Gpus, other.KrwNumerator));
    }

    [Fact]
    public void GpusGivenBackByAnElimination_AreFreed_UntilTheEliminatedWindowWouldHaveClosed()
    {
        // Team 1 held 6 of 8 GPUs until its elimination on day 10 (its window ran to day 50); team 2 holds 2 to day 50.
        var segments = UnallocatedForecast.Compute(
            [new ForecastLease(1, 8, 0, 50 * Day, 1000)],
            [new ForecastAllocation(1, 1, 6, 0, 10 * Day), new ForecastAllocation(2, 1, 2, 0, 50 * Day)],
            [Team(1, 0, 50, endedDay: 10), Team(2, 0, 50)],
            5 * Day, 50 * Day);

        Assert.Equal([(10L, 50L, 6L, UnallocatedCause.FreedByElimination)], segments.Select(s => (s.Start / Day, s.End / Day, s.Gpus, s.Cause)));
    }

    [Fact]
    public void UnallocatedGpus_ArePricedAtTheDearestLines()
    {
        // 4 GPUs at 1,000 and 4 at 3,000 KRW per GPU-hour; 5 allocated: the 3 free are the dearest.
        var segments = UnallocatedForecast.Compute(
            [new ForecastLease(1, 4, 0, Day, 1000), new ForecastLease(1, 4, 0, Day, 3000)],
            [new ForecastAllocation(1, 1, 5, 0, Day)],
            [Team(1, 0, 10)],
            0, Day);

        var segment = Assert.Single(segments);
        Assert.Equal((3L, 3 * 3000 * Day), (segment.Gpus, segment.KrwNumerator));
    }

    [Fact]
    public void AnExcludedPool_IsNotUsableByThatTeam()
    {
        var segments = UnallocatedForecast.Compute([new ForecastLease(7, 2, 0, 10 * Day, 1000)], [], [Team(1, 0, 10, null, 7), Team(2, 5, 10)], 0, 10 * Day);

        Assert.Equal([(0L, 5L, UnallocatedCause.GapBeforeLateJoin), (5, 10, UnallocatedCause.Unplanned)], segments.Select(s => (s.Start / Day, s.End / Day, s.Cause)));
    }

    [Fact]
    public void ATeamWaitingForItsEligibility_IsNotALateJoiner_WhileOthersCanUseThePool()
    {
        // Team 1 can use the pool from day 0; team 2's window opens on day 0 too, but it may use GPUs only from day 30.
        // Alone, it is the gap before it may start, if the lease still runs then; a lease over before then only outlives it.
        var waiting = new ForecastParticipation(2, 0, 100 * Day, 30 * Day, null, None);
        var segments = UnallocatedForecast.Compute([new ForecastLease(1, 2, 0, 10 * Day, 1000)], [], [Team(1, 0, 100), waiting], 0, 10 * Day);
        var alone = UnallocatedForecast.Compute([new ForecastLease(1, 2, 0, 50 * Day, 1000)], [], [waiting], 0, 10 * Day);
        var over = UnallocatedForecast.Compute([new ForecastLease(1, 2, 0, 10 * Day, 1000)], [], [waiting], 0, 10 * Day);

        Assert.Equal(UnallocatedCause.Unplanned, Assert.Single(segments).Cause);
        Assert.Equal(UnallocatedCause.GapBeforeLateJoin, Assert.Single(alone).Cause);
        Assert.Equal(UnallocatedCause.LeaseOutlivesWindows, Assert.Single(over).Cause);
    }

    [Fact]
    public void ALargePool_OverMonths_IsOneSegmentPerCause_WithoutOverflow()
    {
        // 3,072 GPUs at 8,000 KRW for 200 days, cut in two by an allocation boundary that leaves the free count unchanged.
        var segments = UnallocatedForecast.Compute(
            [new ForecastLease(1, 3072, 0, 200 * Day, 8000)],
            [new ForecastAllocation(1, 1, 512, 0, 100 * Day), new ForecastAllocation(2, 1, 512, 100 * Day, 150 * Day)],
            [Team(1, 0, 300), Team(2, 0, 300)],
            0, 200 * Day);

        Assert.Equal([(0L, 150L, 2560L), (150, 200, 3072)], segments.Select(s => (s.Start / Day, s.End / Day, s.Gpus)));
        Assert.Equal(2560L * 150 * Day * 8000, segments[0].KrwNumerator);
    }
}
