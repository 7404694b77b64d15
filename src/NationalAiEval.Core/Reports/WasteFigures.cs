namespace NationalAiEval.Core.Reports;

/// <summary>
/// A row of the waste report as people read it: GPU-hours (to the millionth), KRW (whole won) and equivalent GPU-hours.
/// LeasedGpuHours = UsedGpuHours + IdleUnallocatedGpuHours + IdleAllocatedUnusedGpuHours exactly, and the same for
/// KRW and equivalent hours. Idle is the sum of the two idle causes: the waste. Utilisation is used / leased, in percent.
/// </summary>
public sealed record WasteFigures(
    decimal LeasedGpuHours, decimal AllocatedGpuHours, decimal UsedGpuHours, decimal IdleUnallocatedGpuHours, decimal IdleAllocatedUnusedGpuHours,
    decimal IdleGpuHours, decimal LowUtilisationGpuHours, decimal ExcessGpuHours,
    long LeasedKrw, long UsedKrw, long IdleUnallocatedKrw, long IdleAllocatedUnusedKrw, long IdleKrw, long LowUtilisationKrw,
    decimal LeasedEquivalentGpuHours, decimal UsedEquivalentGpuHours, decimal IdleUnallocatedEquivalentGpuHours, decimal IdleAllocatedUnusedEquivalentGpuHours,
    decimal? UtilisationPercent);

/// <summary>
/// Turns exact amounts into figures. Leased totals are the exact sums rounded once (so they equal any independent
/// recomputation); every figure is its exact value rounded down or up, so a whole value is shown as it is whatever the
/// other rows are; each column adds up to its total to the last unit; and in every row and the totals, leased is the
/// sum of used and the two idle causes, because it is computed as that sum (api-docs/DEFINITIONS.md#rounding).
/// </summary>
public static class WastePresentation
{
    /// <summary>Hours are shown to 10^-6: one unit is 3,600 / 10^6 GPU-seconds.</summary>
    private const long MicroPerUnit = 1_000_000;

    private static readonly Int128 SecondsPerHour = 3_600;
    private static readonly Int128 MilliEghSecondsPerEgh = 3_600_000;

    public static (IReadOnlyList<WasteFigures> Rows, WasteFigures Total) Present(IReadOnlyList<WasteAmounts> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        foreach (var row in rows.Where(r => !r.Balances))
        {
            throw new ArgumentException($"Amounts that do not balance: {row}.", nameof(rows));
        }

        var hours = new Unit(MicroPerUnit, SecondsPerHour);
        var usedH = Identity(rows, hours, r => r.UsedGs, r => r.AllocatedUnusedGs, r => r.UnallocatedGs);
        var allocatedH = Column(rows, hours, r => r.AllocatedGs);
        var lowH = Column(rows, new Unit(MicroPerUnit, SecondsPerHour * 1_000_000), r => r.LowUtilisationUgs);
        var excessH = Column(rows, hours, r => r.ExcessGs);
        var won = new Unit(1, SecondsPerHour);
        var usedK = Identity(rows, won, r => r.UsedNum, r => r.AllocatedUnusedNum, r => r.UnallocatedNum);
        var lowK = Column(rows, new Unit(1, SecondsPerHour * 1000), r => r.LowUtilisationMnum);
        var equivalent = new Unit(MicroPerUnit, MilliEghSecondsPerEgh);
        var usedE = Identity(rows, equivalent, r => r.UsedMeg, r => r.AllocatedUnusedMeg, r => r.UnallocatedMeg);

        WasteFigures Figures(int i) => Make(
            (usedH.Used[i], usedH.AllocatedUnused[i], usedH.Unallocated[i]), allocatedH[i], lowH[i], excessH[i],
            (usedK.Used[i], usedK.AllocatedUnused[i], usedK.Unallocated[i]), lowK[i],
            (usedE.Used[i], usedE.AllocatedUnused[i], usedE.Unallocated[i]));

        var figures = Enumerable.Range(0, rows.Count).Select(Figures).ToList();
        var total = Make(usedH.Totals, allocatedH[^1], lowH[^1], excessH[^1], usedK.Totals, lowK[^1], usedE.Totals);
        return (figures, total);
    }

    private static WasteFigures Make(
        (long Used, long AllocatedUnused, long Unallocated) hours, long allocated, long low, long excess,
        (long Used, long AllocatedUnused, long Unallocated) won, long lowWon, (long Used, long AllocatedUnused, long Unallocated) equivalent)
    {
        var leased = hours.Used + hours.AllocatedUnused + hours.Unallocated;
        return new WasteFigures(
            Micro(leased), Micro(allocated), Micro(hours.Used), Micro(hours.Unallocated), Micro(hours.AllocatedUnused),
            Micro(hours.Unallocated + hours.AllocatedUnused), Micro(low), Micro(excess),
            won.Used + won.AllocatedUnused + won.Unallocated, won.Used, won.Unallocated, won.AllocatedUnused, won.Unallocated + won.AllocatedUnused, lowWon,
            Micro(equivalent.Used + equivalent.AllocatedUnused + equivalent.Unallocated), Micro(equivalent.Used), Micro(equivalent.Unallocated),
            Micro(equivalent.AllocatedUnused),
            leased > 0 ? decimal.Round(100m * hours.Used / leased, 2, MidpointRounding.AwayFromZero) : null);
    }

    private static decimal Micro(long units) => units / (decimal)MicroPerUnit;

    /// <summary>A display unit: an amount times <c>Scale</c> over <c>Divisor</c> is a count of display units.</summary>
    private readonly record struct Unit(long Scale, Int128 Divisor);

    private sealed record Split(long[] Used, long[] AllocatedUnused, long[] Unallocated, (long Used, long AllocatedUnused, long Unallocated) Totals);

    /// <summary>
    /// The three parts of leased over the rows, rounded together (<see cref="ControlledRounding"/>): the leased total is
    /// the exact sum rounded once, each row's leased is its exact value rounded down or up (unchanged when whole), and
    /// the parts add up to both.
    /// </summary>
    private static Split Identity(
        IReadOnlyList<WasteAmounts> rows, Unit unit, Func<WasteAmounts, long> used, Func<WasteAmounts, long> allocatedUnused,
        Func<WasteAmounts, long> unallocated)
    {
        var rounded = ControlledRounding.Round(
            [.. rows.Select(r => (IReadOnlyList<Int128>)[(Int128)used(r) * unit.Scale, (Int128)allocatedUnused(r) * unit.Scale, (Int128)unallocated(r) * unit.Scale])],
            unit.Divisor);
        var totals = rounded.ColumnTotals.Length == 3 ? rounded.ColumnTotals : [0, 0, 0];
        return new Split(
            [.. rounded.Cells.Select(c => c[0])], [.. rounded.Cells.Select(c => c[1])], [.. rounded.Cells.Select(c => c[2])],
            (totals[0], totals[1], totals[2]));
    }

    /// <summary>A column apportioned over the rows, with its rounded total appended last.</summary>
    private static long[] Column(IReadOnlyList<WasteAmounts> rows, Unit unit, Func<WasteAmounts, long> value)
    {
        var total = Apportionment.Round(Sum(rows, value) * unit.Scale, unit.Divisor);
        return [.. Spread(rows, unit, value, total), total];
    }

    private static long[] Spread(IReadOnlyList<WasteAmounts> rows, Unit unit, Func<WasteAmounts, long> value, long total) =>
        Apportionment.Apportion(rows.Select(r => (Int128)value(r) * unit.Scale).ToList(), unit.Divisor, total);

    private static Int128 Sum(IReadOnlyList<WasteAmounts> rows, Func<WasteAmounts, long> value) =>
        rows.Aggregate(Int128.Zero, (sum, r) => sum + value(r));
}
