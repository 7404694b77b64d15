using Google.OrTools.Graph;

namespace NationalAiEval.Core.Reports;

/// <summary>
/// Rounds a table of exact fractions (rows x parts) to whole units so that every row's parts add up to its rounded
/// row total, every column adds up to its rounded column total, and the grand total is the exact sum rounded once
/// (half away from zero). Every cell, row total and column total is its exact value rounded down or up, so a value
/// that is already whole is never changed: a row whose exact total is 2,000 won reads 2,000 whatever other rows the
/// report holds (api-docs/DEFINITIONS.md#rounding).
/// <para>
/// Such a rounding always exists for a two-way table (Cox and Ernst, "Controlled rounding", INFOR 20(4), 1982): the
/// exact table is a flow from rows to columns whose bounds are the floors and ceilings, and a network with integer
/// bounds that carries a fractional flow of value G carries integer flows of value floor(G) and ceil(G). Among them a
/// minimum-cost flow picks the one closest to nearest rounding, for cells, rows and columns together.
/// </para>
/// </summary>
public static class ControlledRounding
{
    public sealed record Result(long[][] Cells, long[] RowTotals, long[] ColumnTotals, long Total);

    /// <summary>
    /// <paramref name="numerators"/>[row][column] / <paramref name="divisor"/> rounded as described; every row has the same
    /// number of columns.
    /// </summary>
    public static Result Round(IReadOnlyList<IReadOnlyList<Int128>> numerators, Int128 divisor)
    {
        ArgumentNullException.ThrowIfNull(numerators);
        if (divisor <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(divisor), "must be positive.");
        }

        var rows = numerators.Count;
        var columns = rows == 0 ? 0 : numerators[0].Count;
        if (numerators.Any(r => r.Count != columns))
        {
            throw new ArgumentException("Every row must have the same number of columns.", nameof(numerators));
        }

        var cells = new long[rows][];
        var cellRemainders = new Int128[rows][];
        var rowExact = new Int128[rows];
        var columnExact = new Int128[columns];
        Int128 grandExact = 0;
        for (var i = 0; i < rows; i++)
        {
            cells[i] = new long[columns];
            cellRemainders[i] = new Int128[columns];
            for (var j = 0; j < columns; j++)
            {
                (cells[i][j], cellRemainders[i][j]) = FloorDiv(numerators[i][j], divisor);
                rowExact[i] += numerators[i][j];
                columnExact[j] += numerators[i][j];
            }

            grandExact += rowExact[i];
        }

        var total = Apportionment.Round(grandExact, divisor);
        var floorsSum = cells.Sum(r => r.Sum());
        var ups = total - floorsSum;
        var rowFloors = new long[rows];
        var rowRemainders = new Int128[rows];
        var columnFloors = new long[columns];
        for (var i = 0; i < rows; i++)
        {
            (rowFloors[i], rowRemainders[i]) = FloorDiv(rowExact[i], divisor);
        }

        for (var j = 0; j < columns; j++)
        {
            (columnFloors[j], _) = FloorDiv(columnExact[j], divisor);
        }

        if (ups > 0)
        {
            Distribute(cells, cellRemainders, rowFloors, rowRemainders, columnFloors, columnExact, divisor, ups);
        }

        var rowTotals = cells.Select(r => r.Sum()).ToArray();
        var columnTotals = Enumerable.Range(0, columns).Select(j => cells.Sum(r => r[j])).ToArray();
        return new Result(cells, rowTotals, columnTotals, total);
    }

    /// <summary>
    /// Adds the <paramref name="ups"/> units (total minus the sum of the floors) to cells with a remainder, as a
    /// minimum-cost flow: source to row (each row must take what lifts it to its floor, and may take one more when its
    /// exact total has a fraction), row to column through one cell each (at most one unit), column to sink (the same
    /// for columns). A unit on a cell, row or column costs less the larger its remainder, so nearest rounding wins where it can.
    /// </summary>
    private static void Distribute(
        long[][] cells, Int128[][] cellRemainders, long[] rowFloors, Int128[] rowRemainders, long[] columnFloors, Int128[] columnExact, Int128 divisor,
        long ups)
    {
        var rows = cells.Length;
        var columns = columnFloors.Length;
        const int source = 0, sink = 1;
        int Row(int i) => 2 + i;
        int Column(int j) => 2 + rows + j;

        using var flow = new MinCostFlow();
        var forcedRows = 0L;
        var forcedColumns = 0L;
        var arcs = new List<(int I, int J, int Arc)>();
        for (var i = 0; i < rows; i++)
        {
            var forced = rowFloors[i] - cells[i].Sum();
            forcedRows += forced;
            flow.SetNodeSupply(Row(i), forced);
            if (rowRemainders[i] != 0)
            {
                flow.AddArcWithCapacityAndUnitCost(source, Row(i), 1, Cost(rowRemainders[i], divisor));
            }

            for (var j = 0; j < columns; j++)
            {
                if (cellRemainders[i][j] != 0)
                {
                    arcs.Add((i, j, flow.AddArcWithCapacityAndUnitCost(Row(i), Column(j), 1, Cost(cellRemainders[i][j], divisor))));
                }
            }
        }

        for (var j = 0; j < columns; j++)
        {
            var (_, remainder) = FloorDiv(columnExact[j], divisor);
            var forced = columnFloors[j] - cellsInColumn(j);
            forcedColumns += forced;
            flow.SetNodeSupply(Column(j), -forced);
            if (remainder != 0)
            {
                flow.AddArcWithCapacityAndUnitCost(Column(j), sink, 1, Cost(remainder, divisor));
            }
        }

        flow.SetNodeSupply(source, ups - forcedRows);
        flow.SetNodeSupply(sink, -(ups - forcedColumns));
        if (flow.Solve() != MinCostFlow.Status.OPTIMAL)
        {
            // Cannot happen (see the class comment); a failure here is a bug, not a figure to print.
            throw new InvalidOperationException("No controlled rounding found for the table.");
        }

        foreach (var (i, j, arc) in arcs)
        {
            cells[i][j] += flow.Flow(arc);
        }

        long cellsInColumn(int j) => cells.Sum(r => r[j]);
    }

    /// <summary>Cheaper the larger the remainder: 0 for a remainder of a whole unit, 2 x divisor for none (never negative).</summary>
    private static long Cost(Int128 remainder, Int128 divisor) => (long)(2 * (divisor - remainder));

    private static (long Floor, Int128 Remainder) FloorDiv(Int128 numerator, Int128 divisor)
    {
        var (quotient, remainder) = Int128.DivRem(numerator, divisor);
        return remainder < 0 ? ((long)quotient - 1, remainder + divisor) : ((long)quotient, remainder);
    }
}
