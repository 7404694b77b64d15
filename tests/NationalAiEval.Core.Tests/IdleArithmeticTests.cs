using FsCheck;
using FsCheck.Fluent;
using NationalAiEval.Core.Idle;

namespace NationalAiEval.Core.Tests;

public sealed class IdleArithmeticTests
{
    [Fact]
    public void AnHour_SplitsIntoUsed_AllocatedUnused_AndUnallocated()
    {
        // 10 GPUs leased; team 1 holds 6 and uses 4; team 2 holds 2 and uses 3 (beyond its allocation); nobody holds 2.
        var hour = IdleArithmetic.Break([new LineHour(10 * 3600, 8000)], [new TeamHour(1, 6 * 3600, 4 * 3600, 0), new TeamHour(2, 2 * 3600, 3 * 3600, 0)], 0, 0);

        Assert.Equal((36000L, 25200L, 7200L, 3600L, 0L), (hour.Leased, hour.Used, hour.AllocatedUnused, hour.Unallocated, hour.Excess));
        Assert.Equal([7200L, 0L], hour.Teams.Select(t => t.AllocatedUnused));
    }

    [Fact]
    public void Idle_IsPricedAtTheDearestLines()
    {
        // 4 GPUs at 5,000 and 4 at 9,000; 4 GPUs used: the cheap ones are used, the dear ones sit idle.
        var hour = IdleArithmetic.Break([new LineHour(4 * 3600, 9000), new LineHour(4 * 3600, 5000)], [new TeamHour(1, 0, 4 * 3600, 0)], 0, 0);

        Assert.Equal(4L * 3600 * 5000, hour.UsedKrwNumerator);
        Assert.Equal(4L * 3600 * 9000, hour.UnallocatedKrwNumerator);
    }

    [Fact]
    public void UsageBeyondTheLease_IsCappedAndKeptAsExcess()
    {
        var hour = IdleArithmetic.Break([new LineHour(3600, 8000)], [new TeamHour(1, 3600, 3 * 3600, 0), new TeamHour(2, 0, 3600, 0)], 0, 0);

        Assert.Equal((3600L, 3L * 3600, 0L, 0L), (hour.Used, hour.Excess, hour.AllocatedUnused, hour.Unallocated));
        Assert.Equal(3600L, hour.Teams.Sum(t => t.Used));
    }

    /// <summary>The identity of the waste report, for any lines, allocations and usage, in GPU-seconds and in money.</summary>
    [FsCheck.Xunit.Property(MaxTest = 500)]
    public Property TheIdentity_HoldsForAnyHour() =>
        Prop.ForAll(Lines(), Teams(), Gen.Choose(0, 20_000).Select(x => (long)x).ToArbitrary(), (lines, teams, unmapped) =>
        {
            var hour = IdleArithmetic.Break(lines, teams, unmapped, unmapped * 1_000_000 / 3);
            var independentLeasedMoney = lines.Sum(l => l.GpuSeconds * l.KrwPerGpuHour);
            return hour.Leased == hour.Used + hour.AllocatedUnused + hour.Unallocated
                && hour.LeasedKrwNumerator == hour.UsedKrwNumerator + hour.AllocatedUnusedKrwNumerator + hour.UnallocatedKrwNumerator
                && hour.LeasedKrwNumerator == independentLeasedMoney
                && hour.Used + hour.Excess == teams.Sum(t => t.UsedGpuSeconds) + unmapped
                && hour.Teams.Sum(t => t.AllocatedUnused) == hour.AllocatedUnused
                && hour.Teams.Sum(t => t.UsedKrwNumerator) <= hour.UsedKrwNumerator
                && hour.Teams.All(t => t.Used >= 0 && t.AllocatedUnused >= 0 && t.AllocatedUnused <= Math.Max(0, t.Allocated - teams.Single(x => x.TeamId == t.TeamId).UsedGpuSeconds))
                && hour.LowUtilisationMicro <= hour.Used * 1_000_000
                && hour.LowUtilisationMicro == hour.Teams.Sum(t => t.LowUtilisationMicro) + Math.Min(unmapped * 1_000_000 / 3, (hour.Used - hour.Teams.Sum(t => t.Used)) * 1_000_000)
                && hour.AllocatedUnused == Math.Min(hour.Leased - hour.Used, teams.Sum(t => Math.Max(0, t.AllocatedGpuSeconds - t.UsedGpuSeconds)));
        });

    [FsCheck.Xunit.Property(MaxTest = 300)]
    public Property Proportional_AddsUpExactly_AndNeverExceedsAWeightTimesTheRatio() =>
        Prop.ForAll(Gen.Choose(0, 1000).Select(x => (long)x).ArrayOf().Where(a => a.Length > 0).ToArbitrary(), Gen.Choose(0, 5000).ToArbitrary(), (weights, total) =>
        {
            var parts = IdleArithmetic.Proportional(weights, total);
            var sum = weights.Sum();
            return sum == 0
                ? parts.All(p => p == 0)
                : parts.Sum() == total && parts.Zip(weights).All(p => Math.Abs((decimal)p.First - ((decimal)p.Second * total / sum)) < 1);
        });

    /// <summary>The outside check's case: low utilisation kept exact (in millionths) and rounded once, not truncated hour by hour.</summary>
    [Fact]
    public void LowUtilisation_IsAShareOfTheHoursUse_InMillionthsOfAGpuSecond_RoundedHalfToEven()
    {
        // 7 GPU-seconds used, 1 of 3 readings low: 2.333... GPU-seconds, kept as 2,333,333 millionths (not 2).
        Assert.Equal(2_333_333, TeamHour.LowShare(7, 1, 3));
        Assert.Equal(4_666_667, TeamHour.LowShare(7, 2, 3));
        Assert.Equal(0, TeamHour.LowShare(7, 0, 0));

        // Over 21 such hours: 48.999993 GPU-seconds against the exact 49; whole GPU-seconds, truncated, gave 42.
        Assert.Equal(48_999_993, Enumerable.Repeat(TeamHour.LowShare(7, 1, 3), 21).Sum());
        Assert.Equal((2L, 4L, -2L, 3L), (IdleArithmetic.RoundedQuotient(5, 2), IdleArithmetic.RoundedQuotient(7, 2), IdleArithmetic.RoundedQuotient(-5, 2),
            IdleArithmetic.RoundedQuotient(8, 3)));
    }

    private static Arbitrary<LineHour[]> Lines() =>
        (from gpus in Gen.Choose(0, 64)
         from seconds in Gen.Elements(3600, 1800, 600)
         from price in Gen.Choose(3, 9).Select(p => p * 1000L)
         select new LineHour(gpus * (long)seconds, price)).ArrayOf().ToArbitrary();

    private static Arbitrary<TeamHour[]> Teams() =>
        (from allocated in Gen.Choose(0, 40)
         from used in Gen.Choose(0, 50)
         select (allocated, used)).ArrayOf().Where(a => a.Length < 6)
        .Select(a => a.Select((t, i) => new TeamHour(i + 1, t.allocated * 3600L, t.used * 3600L, t.used * 600_000_000L)).ToArray())
        .ToArbitrary();
}
