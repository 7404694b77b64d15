using FsCheck;
using FsCheck.Fluent;
using NationalAiEval.Core.Reports;

namespace NationalAiEval.Core.Tests;

public sealed class WastePresentationTests
{
    /// <summary>Capacity of one cell: used, held unused and unallocated GPU-seconds, priced at one KRW rate, at one weight.</summary>
    private static WasteAmounts Cell(long used, long allocatedUnused, long unallocated, long krwPerGpuHour, long perMille = 1000, long low = 0, long excess = 0) =>
        new(used + allocatedUnused + unallocated, used + allocatedUnused, used, excess, allocatedUnused, unallocated, low,
            (used + allocatedUnused + unallocated) * krwPerGpuHour, used * krwPerGpuHour, allocatedUnused * krwPerGpuHour, unallocated * krwPerGpuHour,
            low * krwPerGpuHour, (used + allocatedUnused + unallocated) * perMille, used * perMille, allocatedUnused * perMille, unallocated * perMille);

    [Fact]
    public void WholeHours_AreShownExactly()
    {
        // 8 GPUs for a day at 8,000 KRW: 20 GPU-hours used, 76 held unused, 96 unallocated; B200 at 2.5 EGH.
        var (rows, total) = WastePresentation.Present([Cell(20 * 3600, 76 * 3600, 96 * 3600, 8000, perMille: 2500)]);

        var row = Assert.Single(rows);
        Assert.Equal(row, total);
        Assert.Equal((192m, 20m, 96m, 76m, 172m), (row.LeasedGpuHours, row.UsedGpuHours, row.IdleUnallocatedGpuHours, row.IdleAllocatedUnusedGpuHours, row.IdleGpuHours));
        Assert.Equal((1_536_000L, 160_000L, 768_000L, 608_000L, 1_376_000L), (row.LeasedKrw, row.UsedKrw, row.IdleUnallocatedKrw, row.IdleAllocatedUnusedKrw, row.IdleKrw));
        Assert.Equal((480m, 50m), (row.LeasedEquivalentGpuHours, row.UsedEquivalentGpuHours));
        Assert.Equal(10.42m, row.UtilisationPercent);
    }

    [Fact]
    public void ThirdsOfAWon_AddUpInTheRows_AndTheTotalIsTheExactSumRoundedOnce()
    {
        // Three rows of one second used at 1,000 KRW per GPU-hour: 0.2777... KRW each, 0.8333... in all.
        var (rows, total) = WastePresentation.Present([Cell(1, 0, 0, 1000), Cell(1, 0, 0, 1000), Cell(1, 0, 0, 1000)]);

        Assert.Equal(1, total.UsedKrw);
        Assert.Equal(1, rows.Sum(r => r.UsedKrw));
        Assert.All(rows, r => Assert.Equal(r.LeasedKrw, r.UsedKrw + r.IdleUnallocatedKrw + r.IdleAllocatedUnusedKrw));
    }

    [Fact]
    public void ARowWhoseLeasedWonIsWhole_ReadsThatWhole_BesideAnIdenticalRow()
    {
        // 1 GPU for 2 hours at 1,000 KRW: 2,000 won, split into 500.56 used and 1,499.44 unallocated.
        var pool = Cell(1802, 0, 5398, 1000);

        var (alone, _) = WastePresentation.Present([pool]);
        var (pair, total) = WastePresentation.Present([pool, pool]);

        Assert.Equal(2000, alone[0].LeasedKrw);
        Assert.All(pair, r => Assert.Equal(2000, r.LeasedKrw));
        Assert.All(pair, r => Assert.Equal(2m, r.LeasedGpuHours));
        Assert.Equal((4000L, 1001L, 2999L), (total.LeasedKrw, total.UsedKrw, total.IdleUnallocatedKrw));
        Assert.Equal(total.UsedKrw, pair.Sum(r => r.UsedKrw));
    }

    [Fact]
    public void ANegativeAdjustment_IsShownAsOne()
    {
        var (rows, total) = WastePresentation.Present([WasteAmounts.Negate(Cell(3600, 0, 0, 9000)), Cell(7200, 0, 0, 9000)]);

        Assert.Equal((-1m, -9000L), (rows[0].UsedGpuHours, rows[0].UsedKrw));
        Assert.Equal((1m, 9000L), (total.UsedGpuHours, total.UsedKrw));
        Assert.Null(rows[0].UtilisationPercent);
    }

    [Fact]
    public void AmountsThatDoNotBalance_AreRefused()
    {
        var broken = Cell(10, 10, 10, 1000) with { UnallocatedGs = 11 };

        Assert.Throws<ArgumentException>(() => WastePresentation.Present([broken]));
    }

    [Fact]
    public void ATeamsPart_CountsWhatItUsedOrHeld_AndSplitsByCause()
    {
        var team = WasteAmounts.ForTeam(allocatedGs: 100, usedGs: 70, allocatedUnusedGs: 30, lowUtilisationUgs: 10, usedNum: 700, allocatedUnusedNum: 300, lowUtilisationMnum: 100, usedMeg: 7, allocatedUnusedMeg: 3);

        Assert.True(team.Balances);
        Assert.Equal((100L, 0L), (team.LeasedGs, team.UnallocatedGs));
        var parts = Enum.GetValues<WasteCause>().Select(team.Part).ToList();
        Assert.All(parts, p => Assert.True(p.Balances));
        Assert.Equal(team, parts.Aggregate(WasteAmounts.Zero, WasteAmounts.Add));
    }

    [FsCheck.Xunit.Property(MaxTest = 300)]
    public Property Apportion_AddsUpToTheTarget_WithEveryPartWithinOneOfItsExactValue() =>
        Prop.ForAll(Gen.Choose(-50_000, 50_000).ArrayOf().Where(a => a.Length > 0).ToArbitrary(), Gen.Choose(1, 7200).ToArbitrary(), (values, divisor) =>
        {
            var numerators = values.Select(v => (Int128)v).ToList();
            var target = Apportionment.Round(numerators.Aggregate(Int128.Zero, (s, v) => s + v), divisor);
            var parts = Apportionment.Apportion(numerators, divisor, target);
            return parts.Sum() == target
                && parts.Select((p, i) => Int128.Abs((p * (Int128)divisor) - numerators[i]) < divisor).All(ok => ok);
        });

    [FsCheck.Xunit.Property(MaxTest = 300)]
    public Property EveryRowAndTheTotal_Balance_TheColumnsAddUp_AndTheTotalsAreTheExactSumsRounded() =>
        Prop.ForAll(Cells(), cells =>
        {
            var (rows, total) = WastePresentation.Present(cells);
            var all = rows.Append(total).ToList();
            var exactLeasedKrw = Apportionment.Round(cells.Aggregate(Int128.Zero, (s, c) => s + c.LeasedNum), 3600);
            var exactLeasedMicroHours = Apportionment.Round(cells.Aggregate(Int128.Zero, (s, c) => s + c.LeasedGs) * 1_000_000, 3600);
            return all.All(r => r.LeasedGpuHours == r.UsedGpuHours + r.IdleUnallocatedGpuHours + r.IdleAllocatedUnusedGpuHours
                    && r.LeasedKrw == r.UsedKrw + r.IdleUnallocatedKrw + r.IdleAllocatedUnusedKrw
                    && r.LeasedEquivalentGpuHours == r.UsedEquivalentGpuHours + r.IdleUnallocatedEquivalentGpuHours + r.IdleAllocatedUnusedEquivalentGpuHours
                    && r.IdleKrw == r.IdleUnallocatedKrw + r.IdleAllocatedUnusedKrw)
                && rows.Sum(r => r.LeasedKrw) == total.LeasedKrw
                && rows.Sum(r => r.IdleKrw) == total.IdleKrw
                && rows.Sum(r => r.UsedGpuHours) == total.UsedGpuHours
                && rows.Sum(r => r.LowUtilisationKrw) == total.LowUtilisationKrw
                && total.LeasedKrw == exactLeasedKrw
                && total.LeasedGpuHours * 1_000_000 == exactLeasedMicroHours;
        });

    [FsCheck.Xunit.Property(MaxTest = 500)]
    public Property ControlledRounding_KeepsEveryFigureWithinOneUnit_WholeOnesExact_AndAddsUp() =>
        Prop.ForAll(Gen.Choose(-20_000, 20_000).ArrayOf(3).ArrayOf().ToArbitrary(), Gen.Choose(1, 3600).ToArbitrary(), (table, divisor) =>
        {
            var numerators = table.Select(r => (IReadOnlyList<Int128>)[.. r.Select(v => (Int128)v)]).ToList();
            var rounded = ControlledRounding.Round(numerators, divisor);
            bool Adjacent(long value, Int128 exact) =>
                exact % divisor == 0 ? value * (Int128)divisor == exact : Int128.Abs((value * (Int128)divisor) - exact) < divisor;
            var rowsExact = numerators.Select(r => r.Aggregate(Int128.Zero, (s, v) => s + v)).ToList();
            var columnsExact = Enumerable.Range(0, 3).Select(j => numerators.Aggregate(Int128.Zero, (s, r) => s + r[j])).ToList();
            return rounded.Cells.SelectMany((r, i) => r.Select((v, j) => Adjacent(v, numerators[i][j]))).All(ok => ok)
                && rounded.RowTotals.Select((v, i) => Adjacent(v, rowsExact[i]) && v == rounded.Cells[i].Sum()).All(ok => ok)
                && (table.Length == 0 || rounded.ColumnTotals.Select((v, j) => Adjacent(v, columnsExact[j])).All(ok => ok))
                && rounded.Total == Apportionment.Round(rowsExact.Aggregate(Int128.Zero, (s, v) => s + v), divisor)
                && rounded.Total == rounded.RowTotals.Sum() && rounded.Total == rounded.ColumnTotals.Sum();
        });

    private static Arbitrary<WasteAmounts[]> Cells() =>
        (from used in Gen.Choose(0, 500_000)
         from unused in Gen.Choose(0, 100_000)
         from unallocated in Gen.Choose(0, 300_000)
         from price in Gen.Choose(1, 12_000)
         from weight in Gen.Elements(300, 600, 1000, 2500)
         from negative in Gen.Frequency((1, Gen.Constant(true)), (6, Gen.Constant(false)))
         let cell = Cell(used, unused, unallocated, price, weight, low: used / 3)
         select negative ? WasteAmounts.Negate(cell) : cell).ArrayOf().ToArbitrary();
}
