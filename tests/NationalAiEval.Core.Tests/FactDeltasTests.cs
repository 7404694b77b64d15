using FsCheck;
using FsCheck.Fluent;
using NationalAiEval.Core.Usage;

namespace NationalAiEval.Core.Tests;

public sealed class FactDeltasTests
{
    private const long T0 = 1_767_225_600; // 2026-01-01T00:00:00Z

    [Fact]
    public void ARunningJobThatEnds_AddsOnlyTheDifference()
    {
        var deltas = new Dictionary<FactKey, long>();
        var running = new CountedUsage(7, "lgai", T0 + 1800, T0 + 3600, 4);
        var ended = running with { UntilUnix = T0 + 3 * 3600 };

        FactDeltas.Accumulate(deltas, 1, running, ended);

        Assert.Equal(
            new Dictionary<FactKey, long> { [new(1, 7, null, T0 + 3600)] = 4 * 3600, [new(1, 7, null, T0 + 7200)] = 4 * 3600 },
            deltas);
    }

    [Fact]
    public void MappingAnAccount_MovesItsUsageFromTheAccountToTheTeam()
    {
        var deltas = new Dictionary<FactKey, long>();
        var unmapped = new CountedUsage(null, "ghost", T0, T0 + 3600, 2);

        FactDeltas.Accumulate(deltas, 1, unmapped, unmapped with { TeamId = 9 });

        Assert.Equal(-7200, deltas[new(1, null, "ghost", T0)]);
        Assert.Equal(7200, deltas[new(1, 9, null, T0)]);
    }

    /// <summary>
    /// Whatever sequence of versions records go through, in whatever order they are applied, the facts built from
    /// deltas equal the facts built from scratch from the last versions, hour by hour, and in total.
    /// </summary>
    [FsCheck.Xunit.Property(MaxTest = 300)]
    public FsCheck.Property DeltasOfAnyRevisionSequence_EqualARecomputationFromScratch() =>
        Prop.ForAll(Revisions(), revisions =>
        {
            var facts = new Dictionary<FactKey, long>();
            var applied = new Dictionary<int, CountedUsage>();
            foreach (var (record, usage) in revisions)
            {
                var step = new Dictionary<FactKey, long>();
                FactDeltas.Accumulate(step, 1, applied.GetValueOrDefault(record), usage);
                foreach (var (key, delta) in step)
                {
                    facts[key] = facts.GetValueOrDefault(key) + delta;
                }

                applied[record] = usage;
            }

            var scratch = new Dictionary<FactKey, long>();
            foreach (var usage in applied.Values)
            {
                FactDeltas.Accumulate(scratch, 1, null, usage);
            }

            var nonZero = facts.Where(f => f.Value != 0).ToDictionary();
            return nonZero.Count == scratch.Count && nonZero.All(f => scratch.GetValueOrDefault(f.Key) == f.Value)
                && facts.Values.Sum() == applied.Values.Sum(u => u.GpuSeconds) && facts.Values.All(v => v >= 0);
        });

    private static Arbitrary<(int Record, CountedUsage Usage)[]> Revisions() =>
        (from record in Gen.Choose(0, 5)
         from team in Gen.Elements<long?>(null, 1, 2)
         from start in Gen.Choose(0, 20_000)
         from length in Gen.Choose(0, 30_000)
         from gpus in Gen.Choose(1, 8)
         select (record, new CountedUsage(team, "acct", T0 + start, T0 + start + length, gpus)))
        .ArrayOf().ToArbitrary();
}

public sealed class UsageAttributionTests
{
    private const long Day = 86400;
    private static readonly PayingParticipation Original = new(1, 0, 200 * Day, null);
    private static readonly PayingParticipation Late = new(2, 35 * Day, 235 * Day, null);

    [Fact]
    public void AnHourInsideTheWindow_IsCharged_AndOutsideItIsNot()
    {
        Assert.Equal((HourAttribution.Charged, Original), UsageAttribution.For([Original], 10 * Day));
        Assert.Equal((HourAttribution.OutsideWindow, null), UsageAttribution.For([Original], 200 * Day));
        Assert.Equal((HourAttribution.OutsideWindow, null), UsageAttribution.For([Late], 34 * Day));
    }

    [Fact]
    public void AfterAnElimination_TheHoursFromItsHourOn_AreNotCharged()
    {
        var eliminated = Original with { EndedUnix = (50 * Day) + 1800 };

        Assert.Equal(HourAttribution.Charged, UsageAttribution.For([eliminated], (50 * Day) - 3600).Kind);
        Assert.Equal(HourAttribution.AfterEnd, UsageAttribution.For([eliminated], 50 * Day).Kind);
        Assert.Equal(HourAttribution.AfterEnd, UsageAttribution.For([eliminated], 60 * Day).Kind);
    }

    [Fact]
    public void OverlappingWindows_ChargeTheEarlierOne() =>
        Assert.Equal(Original, UsageAttribution.For([Late, Original], 40 * Day).Payer);
}
