using NationalAiEval.Core.Pricing;
using NationalAiEval.Core.Units;

namespace NationalAiEval.Core.Planning;

/// <summary>
/// What allocating whole units of a pool over a block of plan steps saves in idle won, priced exactly as the waste
/// report prices idle unallocated capacity (<see cref="LeasePricing"/>, api-docs/DEFINITIONS.md#lease-pricing): per
/// UTC hour, the hour's lease lines form a stack in GPU-seconds, allocated capacity (locked allocations, then the
/// plan's) is taken from the bottom and what is left at the top is idle. Allocating more saves the cheapest idle
/// line first, so the saving per unit grows with the units: pieces of rising rate that must be filled in order.
/// </summary>
internal sealed record IdleCurve(long[] Widths, long[] WonPerUnit)
{
    /// <summary>The curve of a pool over the given segments of the timeline, for 0 to <paramref name="capacityUnits"/> units.</summary>
    public static IdleCurve Of(PlanningTimeline timeline, int pool, IEnumerable<int> segments, long capacityUnits)
    {
        var hours = Hours(timeline, pool, segments);
        var unit = timeline.Problem.UnitOf(timeline.Problem.Pools[pool]);

        // The unallocated price changes slope only where an hour's allocated GPU-seconds cross a line boundary.
        var points = new SortedSet<long> { 0, capacityUnits };
        foreach (var hour in hours)
        {
            long cumulative = 0;
            foreach (var amount in hour.Key.Lines.Select(l => l.Amount))
            {
                cumulative += amount;
                var perUnit = unit * hour.Key.Coverage;
                var crossing = (double)(cumulative - hour.Key.Locked) / perUnit;
                foreach (var a in new[] { Math.Floor(crossing), Math.Ceiling(crossing) })
                {
                    if (a > 0 && a < capacityUnits)
                    {
                        points.Add((long)a);
                    }
                }
            }
        }

        Int128 Idle(long units) => hours.Aggregate(Int128.Zero, (sum, hour) =>
        {
            var stack = LeasePricing.Of(hour.Key.Lines);
            var free = Math.Max(0, stack.Total - hour.Key.Locked - (units * unit * hour.Key.Coverage));
            return sum + ((Int128)hour.Value * stack.Top(free));
        });

        var at = points.ToArray();
        var values = at.Select(Idle).ToArray();
        var widths = new List<long>();
        var rates = new List<long>();
        for (var i = 0; i + 1 < at.Length; i++)
        {
            var width = at[i + 1] - at[i];
            var rate = LeasePricing.Krw((values[i] - values[i + 1]) / width);
            if (rates.Count > 0 && rates[^1] == rate)
            {
                widths[^1] += width;
            }
            else
            {
                widths.Add(width);
                rates.Add(rate);
            }
        }

        return new IdleCurve([.. widths], [.. rates]);
    }

    /// <summary>The block's UTC hours, grouped by what matters to their price: lines in GPU-seconds, locked GPU-seconds, seconds covered.</summary>
    private static Dictionary<HourShape, long> Hours(PlanningTimeline timeline, int pool, IEnumerable<int> segments)
    {
        var plan = timeline.Problem.Pools[pool];
        var byHour = new SortedDictionary<long, (Dictionary<int, long> Lines, long Locked, long Coverage)>();
        foreach (var s in segments)
        {
            var span = timeline.Segments[s];
            var start = span.Start.ToUnixTimeSeconds();
            var end = span.End.ToUnixTimeSeconds();
            var lines = plan.Leases.Select((l, i) => (l, i)).Where(x => x.l.Span.Contains(span.Start)).ToList();
            var locked = plan.Locked.Where(a => a.Span.Contains(span.Start)).Sum(a => a.Gpus);
            for (var from = start; from < end;)
            {
                var hour = from - (((from % GpuTime.SecondsPerHour) + GpuTime.SecondsPerHour) % GpuTime.SecondsPerHour);
                var to = Math.Min(end, hour + GpuTime.SecondsPerHour);
                var seconds = to - from;
                var entry = byHour.TryGetValue(hour, out var found) ? found : ([], 0, 0);
                foreach (var (line, i) in lines)
                {
                    entry.Lines[i] = entry.Lines.GetValueOrDefault(i) + (line.Gpus * seconds);
                }

                byHour[hour] = (entry.Lines, entry.Locked + (locked * seconds), entry.Coverage + seconds);
                from = to;
            }
        }

        var shapes = new Dictionary<HourShape, long>();
        foreach (var (lines, locked, coverage) in byHour.Values)
        {
            var stack = lines.OrderBy(l => l.Key)
                .Select(l => new PricedCapacity(l.Value, plan.Leases[l.Key].KrwPerGpuHour))
                .OrderBy(l => l.KrwPerGpuHour).ThenBy(l => l.Amount)
                .ToArray();
            var shape = new HourShape(new EquatableArray(stack), locked, coverage);
            shapes[shape] = shapes.GetValueOrDefault(shape) + 1;
        }

        return shapes;
    }

    private sealed record HourShape(EquatableArray Lines, long Locked, long Coverage);

    /// <summary>Lines compared by value, so that hours with the same stack share one price computation.</summary>
    private sealed class EquatableArray(PricedCapacity[] items) : IEquatable<EquatableArray>, IEnumerable<PricedCapacity>
    {
        public bool Equals(EquatableArray? other) => other is not null && items.AsSpan().SequenceEqual(other.Items);

        public override bool Equals(object? obj) => Equals(obj as EquatableArray);

        public override int GetHashCode() => items.Aggregate(17, (h, l) => HashCode.Combine(h, l));

        public IEnumerator<PricedCapacity> GetEnumerator() => ((IEnumerable<PricedCapacity>)items).GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        private PricedCapacity[] Items => items;
    }
}
