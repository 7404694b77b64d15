using NationalAiEval.Core.Reports;
using NationalAiEval.Core.Units;

namespace NationalAiEval.Core.Pricing;

/// <summary>Capacity one lease line supplies over a stretch (GPUs, or GPU-seconds), at a price per GPU-hour.</summary>
public readonly record struct PricedCapacity(long Amount, long KrwPerGpuHour);

/// <summary>
/// The one pricing rule (api-docs/DEFINITIONS.md#lease-pricing). The lease lines in force over a stretch form a stack,
/// cheapest at the bottom: used capacity is taken from the bottom, allocated-but-unused capacity above it, and
/// unallocated capacity is what is left at the top, so idle money is never understated. Idle facts, the forecast and
/// the planner all price through this class. Amounts are priced as numerators (amount x KRW per GPU-hour, so KRW x
/// 3,600 when the amount is in GPU-seconds) that add up exactly; <see cref="Krw"/> turns a sum into won, once.
/// </summary>
public sealed class LeasePricing
{
    private readonly PricedCapacity[] _cheapestFirst;

    private LeasePricing(PricedCapacity[] cheapestFirst)
    {
        _cheapestFirst = cheapestFirst;
        Total = cheapestFirst.Sum(l => l.Amount);
    }

    /// <summary>Everything the lines supply together.</summary>
    public long Total { get; }

    /// <summary>The price of the dearest line with anything in it (0 for an empty stack): what the top unit costs.</summary>
    public long DearestPrice => _cheapestFirst.Length == 0 ? 0 : _cheapestFirst[^1].KrwPerGpuHour;

    /// <summary>A stack of the lines; lines of equal price keep their order, which cannot change any price.</summary>
    public static LeasePricing Of(IEnumerable<PricedCapacity> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var kept = lines.Where(l => l.Amount > 0).OrderBy(l => l.KrwPerGpuHour).ToArray();
        return kept.Any(l => l.KrwPerGpuHour < 0)
            ? throw new ArgumentException("A lease line cannot have a negative price.", nameof(lines))
            : new LeasePricing(kept);
    }

    /// <summary>Won from a numerator in GPU-seconds x KRW per GPU-hour: divided by 3,600 and rounded half away from zero, once, at the end.</summary>
    public static long Krw(Int128 gpuSecondNumerator) => Apportionment.Round(gpuSecondNumerator, GpuTime.SecondsPerHour);

    /// <summary>The price of the units from position <paramref name="from"/> (0 is the cheapest unit) for <paramref name="amount"/> units.</summary>
    public long Numerator(long from, long amount)
    {
        if (from < 0 || amount < 0 || from + amount > Total)
        {
            throw new ArgumentOutOfRangeException(nameof(amount), $"Units {from}..{from + amount} are not in a stack of {Total}.");
        }

        long numerator = 0, position = 0;
        foreach (var line in _cheapestFirst)
        {
            var take = Math.Min(position + line.Amount, from + amount) - Math.Max(position, from);
            if (take > 0)
            {
                numerator = checked(numerator + (take * line.KrwPerGpuHour));
            }

            position += line.Amount;
        }

        return numerator;
    }

    /// <summary>The price of the cheapest <paramref name="amount"/> units: used capacity.</summary>
    public long Bottom(long amount) => Numerator(0, amount);

    /// <summary>The price of the dearest <paramref name="amount"/> units: unallocated capacity.</summary>
    public long Top(long amount) => Numerator(Total - amount, amount);

    /// <summary>
    /// The three layers of an hour or a stretch: used from the bottom, then allocated-but-unused, and the rest
    /// (unallocated) at the top. <paramref name="used"/> + <paramref name="allocatedUnused"/> may not exceed the stack.
    /// </summary>
    public (long Used, long AllocatedUnused, long Unallocated) Layers(long used, long allocatedUnused) =>
        (Numerator(0, used), Numerator(used, allocatedUnused), Numerator(used + allocatedUnused, Total - used - allocatedUnused));
}
