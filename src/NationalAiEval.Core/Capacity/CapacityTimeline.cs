using NodaTime;

namespace NationalAiEval.Core.Capacity;

/// <summary>
/// A pool's capacity as a step function: the sum of lease lines active at t, and the sum of allocations active
/// at t. Every interval is half-open, so a line ending at t and another starting at t never overlap.
/// </summary>
public static class CapacityTimeline
{
    /// <summary>
    /// Segments covering <paramref name="range"/> exactly, adjacent segments with equal counts merged.
    /// </summary>
    public static IReadOnlyList<CapacitySegment> Build(
        IEnumerable<LeaseLine> leases, IEnumerable<AllocationSpan> allocations, Interval range)
    {
        ArgumentNullException.ThrowIfNull(leases);
        ArgumentNullException.ThrowIfNull(allocations);
        if (range.End <= range.Start)
        {
            return [];
        }

        // Each line contributes +gpus at its (clipped) start and -gpus at its (clipped) end.
        var leaseDeltas = new SortedDictionary<Instant, long>();
        var allocationDeltas = new SortedDictionary<Instant, long>();
        foreach (var lease in leases)
        {
            AddClipped(leaseDeltas, lease.Span, lease.Gpus, range);
        }

        foreach (var allocation in allocations)
        {
            AddClipped(allocationDeltas, allocation.Span, allocation.Gpus, range);
        }

        var breakpoints = new SortedSet<Instant>(leaseDeltas.Keys.Concat(allocationDeltas.Keys)) { range.Start, range.End };
        var segments = new List<CapacitySegment>();
        long leased = 0, allocated = 0;
        Instant? previous = null;
        foreach (var point in breakpoints)
        {
            if (previous is { } start && point > start)
            {
                Append(segments, new CapacitySegment(new Interval(start, point), leased, allocated));
            }

            leased = checked(leased + leaseDeltas.GetValueOrDefault(point));
            allocated = checked(allocated + allocationDeltas.GetValueOrDefault(point));
            previous = point;
        }

        return segments;
    }

    /// <summary>
    /// The first stretch of <paramref name="requested"/> where existing allocations plus the request exceed the
    /// leased GPUs, or null when the request fits everywhere. Consecutive over-committed segments are reported as
    /// one stretch, with the largest excess in it.
    /// </summary>
    public static OverCommitment? FirstOverCommitment(
        IEnumerable<LeaseLine> leases, IEnumerable<AllocationSpan> existing, AllocationSpan requested)
    {
        ArgumentNullException.ThrowIfNull(requested);
        OverCommitment? found = null;
        foreach (var segment in Build(leases, existing, requested.Span))
        {
            var excess = segment.AllocatedGpus + requested.Gpus - segment.LeasedGpus;
            if (excess <= 0)
            {
                if (found is not null)
                {
                    break;
                }

                continue;
            }

            found = found is null
                ? new OverCommitment(segment.Span, excess, segment.LeasedGpus, segment.AllocatedGpus, requested.Gpus)
                : found with
                {
                    Span = new Interval(found.Span.Start, segment.Span.End),
                    ExcessGpus = Math.Max(found.ExcessGpus, excess),
                };
        }

        return found;
    }

    private static void AddClipped(SortedDictionary<Instant, long> deltas, Interval span, long gpus, Interval range)
    {
        var start = span.Start > range.Start ? span.Start : range.Start;
        var end = span.End < range.End ? span.End : range.End;
        if (end <= start || gpus == 0)
        {
            return;
        }

        deltas[start] = checked(deltas.GetValueOrDefault(start) + gpus);
        deltas[end] = checked(deltas.GetValueOrDefault(end) - gpus);
    }

    private static void Append(List<CapacitySegment> segments, CapacitySegment next)
    {
        if (segments.Count > 0)
        {
            var last = segments[^1];
            if (last.LeasedGpus == next.LeasedGpus && last.AllocatedGpus == next.AllocatedGpus && last.Span.End == next.Span.Start)
            {
                segments[^1] = last with { Span = new Interval(last.Span.Start, next.Span.End) };
                return;
            }
        }

        segments.Add(next);
    }
}
