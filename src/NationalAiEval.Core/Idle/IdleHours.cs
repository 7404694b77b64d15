using NationalAiEval.Core.Usage;

namespace NationalAiEval.Core.Idle;

/// <summary>A lease line of a pool over <c>[StartUnix, EndUnix)</c> at a price per GPU-hour.</summary>
public readonly record struct PricedLease(long Gpus, long StartUnix, long EndUnix, long KrwPerGpuHour);

/// <summary>An allocation of a team on the pool over <c>[StartUnix, EndUnix)</c>.</summary>
public readonly record struct TeamAllocation(long TeamId, long Gpus, long StartUnix, long EndUnix);

/// <summary>DCGM readings of a team in an hour: how many, and how many under the low-utilisation threshold.</summary>
public readonly record struct HourReadings(long Samples, long LowSamples);

/// <summary>One pool-hour's breakdown, for the UTC hour starting at <see cref="HourUnix"/>.</summary>
public sealed record PoolHour(long HourUnix, HourBreakdown Breakdown);

/// <summary>
/// Assembles a pool's hours from its sources (api-docs/DEFINITIONS.md#idle-split): for each UTC hour, what each lease
/// line supplied (a partial hour supplies its part), what each team was allocated and used, its low-utilisation
/// share from its readings and the unmapped use, broken down by <see cref="IdleArithmetic.Break"/>. Hours with
/// nothing leased, allocated or used are left out.
/// </summary>
public static class IdleHours
{
    public static IEnumerable<PoolHour> Compute(
        long fromUnix, long toUnix, IReadOnlyList<PricedLease> leases, IReadOnlyList<TeamAllocation> allocations,
        IReadOnlyDictionary<(long TeamId, long HourUnix), long> used, IReadOnlyDictionary<long, long> unmappedUsed,
        IReadOnlyDictionary<(long TeamId, long HourUnix), HourReadings> readings)
    {
        ArgumentNullException.ThrowIfNull(leases);
        ArgumentNullException.ThrowIfNull(allocations);
        ArgumentNullException.ThrowIfNull(used);
        ArgumentNullException.ThrowIfNull(unmappedUsed);
        ArgumentNullException.ThrowIfNull(readings);
        var usersByHour = used.Keys.ToLookup(k => k.HourUnix, k => k.TeamId);
        for (var hour = HourlyBuckets.HourOf(fromUnix); hour < toUnix; hour += HourlyBuckets.HourSeconds)
        {
            var end = hour + HourlyBuckets.HourSeconds;
            var lines = leases.Where(l => l.StartUnix < end && l.EndUnix > hour)
                .Select(l => new LineHour(l.Gpus * Overlap(l.StartUnix, l.EndUnix, hour, end), l.KrwPerGpuHour)).ToList();
            var active = allocations.Where(a => a.StartUnix < end && a.EndUnix > hour).ToList();
            var teams = active.Select(a => a.TeamId).Concat(usersByHour[hour]).Distinct().Order()
                .Select(team =>
                {
                    var allocated = active.Where(a => a.TeamId == team).Sum(a => a.Gpus * Overlap(a.StartUnix, a.EndUnix, hour, end));
                    var teamUsed = used.GetValueOrDefault((team, hour));
                    var low = readings.TryGetValue((team, hour), out var r) ? TeamHour.LowShare(teamUsed, r.LowSamples, r.Samples) : 0;
                    return new TeamHour(team, allocated, teamUsed, low);
                }).ToList();
            var unmapped = unmappedUsed.GetValueOrDefault(hour);
            if (lines.Count == 0 && teams.Count == 0 && unmapped == 0)
            {
                continue;
            }

            yield return new PoolHour(hour, IdleArithmetic.Break(lines, teams, unmapped, 0));
        }
    }

    /// <summary>
    /// The capacity that <paramref name="allocations"/> leave unallocated on a pool over [from, to), priced exactly as the
    /// waste report prices it: hour by hour (UTC) through <see cref="IdleArithmetic.Break"/>, with nothing used, so the
    /// unallocated part is what the report's idle-unallocated would be if the allocations were the facts. Leases and
    /// allocations are clipped to [from, to). A run of whole hours in which nothing starts or ends is broken down once,
    /// as one long hour: every amount in it scales by the same number of hours, and so does the money at each layer.
    /// </summary>
    public static (long GpuSeconds, Int128 KrwNumerator) Unallocated(
        long fromUnix, long toUnix, IReadOnlyList<PricedLease> leases, IReadOnlyList<TeamAllocation> allocations)
    {
        ArgumentNullException.ThrowIfNull(leases);
        ArgumentNullException.ThrowIfNull(allocations);
        var changes = leases.SelectMany(l => new[] { l.StartUnix, l.EndUnix })
            .Concat(allocations.SelectMany(a => new[] { a.StartUnix, a.EndUnix }))
            .Append(fromUnix).Append(toUnix)
            .Where(p => p >= fromUnix && p <= toUnix)
            .ToList();
        var boundaries = new SortedSet<long>();
        foreach (var point in changes)
        {
            var hour = HourlyBuckets.HourOf(point);
            boundaries.Add(hour == point ? point : hour);
            if (hour != point)
            {
                boundaries.Add(hour + HourlyBuckets.HourSeconds);
            }
        }

        long gpuSeconds = 0;
        Int128 numerator = 0;
        var points = boundaries.ToArray();
        for (var i = 0; i + 1 < points.Length; i++)
        {
            // A special hour (something starts or ends inside it, or it holds [from, to)'s edge) is one hour as the
            // report sees it; any other stretch between boundaries is whole hours with nothing changing.
            var (start, end) = (points[i], points[i + 1]);
            var (clipFrom, clipTo) = (Math.Max(start, fromUnix), Math.Min(end, toUnix));
            if (clipTo <= clipFrom)
            {
                continue;
            }

            var lines = leases.Where(l => l.StartUnix < clipTo && l.EndUnix > clipFrom)
                .Select(l => new LineHour(l.Gpus * Overlap(l.StartUnix, l.EndUnix, clipFrom, clipTo), l.KrwPerGpuHour)).ToList();
            var teams = allocations.Where(a => a.StartUnix < clipTo && a.EndUnix > clipFrom)
                .Select((a, n) => new TeamHour(n, a.Gpus * Overlap(a.StartUnix, a.EndUnix, clipFrom, clipTo), 0, 0)).ToList();
            if (lines.Count == 0)
            {
                continue;
            }

            var breakdown = IdleArithmetic.Break(lines, teams, 0, 0);
            gpuSeconds += breakdown.Unallocated;
            numerator += breakdown.UnallocatedKrwNumerator;
        }

        return (gpuSeconds, numerator);
    }

    /// <summary>Ranges merged where they touch or overlap, in order: each hour is recomputed once per run.</summary>
    public static IEnumerable<(long From, long To)> Merge(IEnumerable<(long From, long To)> ranges)
    {
        ArgumentNullException.ThrowIfNull(ranges);
        (long From, long To)? open = null;
        foreach (var range in ranges.OrderBy(r => r.From))
        {
            if (open is { } current && range.From <= current.To)
            {
                open = (current.From, Math.Max(current.To, range.To));
                continue;
            }

            if (open is { } done)
            {
                yield return done;
            }

            open = range;
        }

        if (open is { } last)
        {
            yield return last;
        }
    }

    private static long Overlap(long start, long end, long hour, long hourEnd) => Math.Min(end, hourEnd) - Math.Max(start, hour);
}
