namespace NationalAiEval.Core.Reports;

/// <summary>
/// Rounds a column of exact fractions to whole units that add up to a chosen total (largest remainder): each value is
/// its exact value rounded down or up, so a report's rows add up to its totals to the unit, and the totals are the
/// exact sums rounded once. Works for negative values (adjustments) too.
/// </summary>
public static class Apportionment
{
    /// <summary>numerator / divisor rounded half away from zero.</summary>
    public static long Round(Int128 numerator, Int128 divisor)
    {
        if (divisor <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(divisor), "must be positive.");
        }

        var magnitude = ((Int128.Abs(numerator) * 2) + divisor) / (divisor * 2);
        return (long)(numerator < 0 ? -magnitude : magnitude);
    }

    /// <summary>
    /// Each <c>numerators[i] / divisor</c> as a whole number, the results adding up to <paramref name="target"/>. With
    /// a target within one unit of the exact sum, every value is within one unit of its exact value.
    /// </summary>
    public static long[] Apportion(IReadOnlyList<Int128> numerators, Int128 divisor, long target)
    {
        ArgumentNullException.ThrowIfNull(numerators);
        if (divisor <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(divisor), "must be positive.");
        }

        var parts = new long[numerators.Count];
        if (parts.Length == 0)
        {
            return target == 0 ? parts : throw new ArgumentException("Nothing to apportion a non-zero total to.", nameof(target));
        }

        var remainders = new (Int128 Remainder, int Index)[parts.Length];
        long given = 0;
        for (var i = 0; i < parts.Length; i++)
        {
            var quotient = Int128.DivRem(numerators[i], divisor);
            var (floor, remainder) = quotient.Remainder < 0 ? (quotient.Quotient - 1, quotient.Remainder + divisor) : quotient;
            parts[i] = (long)floor;
            remainders[i] = (remainder, i);
            given += parts[i];
        }

        // Largest remainders go up first; were the target below the floors, smallest remainders would come down first.
        var step = target >= given ? 1 : -1;
        var order = step > 0
            ? remainders.OrderByDescending(r => r.Remainder).ThenBy(r => r.Index).Select(r => r.Index).ToArray()
            : remainders.OrderBy(r => r.Remainder).ThenBy(r => r.Index).Select(r => r.Index).ToArray();
        for (long left = Math.Abs(target - given), k = 0; left > 0; left--, k++)
        {
            parts[order[k % order.Length]] += step;
        }

        return parts;
    }
}
