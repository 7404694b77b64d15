namespace NationalAiEval.Core.Forecasting;

/// <summary>A lease line, with its id, over <c>[StartUnix, EndUnix)</c>.</summary>
public sealed record LeaseLineSpan(long Id, long PoolId, long Gpus, long StartUnix, long EndUnix);

/// <summary>A line that ends soon and leaves its pool with fewer GPUs: days left (rounded up), and the warning it falls in.</summary>
public sealed record LeaseExpiry(LeaseLineSpan Line, int DaysLeft, int Within, long GpusBefore, long GpusAfter);

/// <summary>
/// Lease expiries the forecast warns about (api-docs/DEFINITIONS.md#forecast): lines ending within 30 days after which
/// their pool has fewer GPUs than just before (a line renewed by another that starts at its end is no expiry), each
/// in the nearest warning of 7, 14 or 30 days.
/// </summary>
public static class LeaseExpiries
{
    public static readonly IReadOnlyList<int> Warnings = [7, 14, 30];

    private const long Day = 86_400;

    public static IReadOnlyList<LeaseExpiry> From(IReadOnlyList<LeaseLineSpan> lines, long fromUnix)
    {
        ArgumentNullException.ThrowIfNull(lines);
        long Leased(long poolId, long at) => lines.Where(l => l.PoolId == poolId && l.StartUnix <= at && l.EndUnix > at).Sum(l => l.Gpus);
        var horizon = fromUnix + (Warnings[^1] * Day);
        return [.. lines.Where(l => l.EndUnix > fromUnix && l.EndUnix <= horizon)
            .Select(l => (Line: l, Before: Leased(l.PoolId, l.EndUnix - 1), After: Leased(l.PoolId, l.EndUnix)))
            .Where(x => x.After < x.Before)
            .Select(x =>
            {
                var daysLeft = (int)((x.Line.EndUnix - fromUnix + Day - 1) / Day);
                return new LeaseExpiry(x.Line, daysLeft, Warnings.First(w => daysLeft <= w), x.Before, x.After);
            })
            .OrderBy(e => e.Line.EndUnix)];
    }
}
