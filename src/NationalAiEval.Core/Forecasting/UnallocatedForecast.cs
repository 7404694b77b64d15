using NationalAiEval.Core.Pricing;

namespace NationalAiEval.Core.Forecasting;

/// <summary>Why leased capacity will sit unallocated (api-docs/DEFINITIONS.md#forecast).</summary>
public enum UnallocatedCause
{
    /// <summary>A team's end (elimination or withdrawal) gave back GPUs it held, inside its window: re-plan them.</summary>
    FreedByElimination,

    /// <summary>A team admitted to join later cannot use it yet: the gap before a late team joins.</summary>
    GapBeforeLateJoin,

    /// <summary>Every window that could use it has ended: the lease outlives the programme's windows.</summary>
    LeaseOutlivesWindows,

    /// <summary>Teams could use it; nobody has been allocated it yet.</summary>
    Unplanned,
}

/// <summary>
/// A participation as the forecast sees it: its window (unix seconds), from when it may use GPUs (window start or
/// eligibility), and the instant it ends if it was eliminated or withdrew (possibly ahead).
/// </summary>
public sealed record ForecastParticipation(long Id, long WindowStart, long WindowEnd, long UsableFrom, long? EndedAt, IReadOnlySet<long> ExcludedPools);

/// <summary>An allocation: which participation holds how many GPUs of which pool, over <c>[Start, End)</c> in unix seconds.</summary>
public sealed record ForecastAllocation(long ParticipationId, long PoolId, long Gpus, long Start, long End);

/// <summary>A lease line of a pool, over <c>[Start, End)</c> in unix seconds, at a price per GPU-hour.</summary>
public sealed record ForecastLease(long PoolId, long Gpus, long Start, long End, long KrwPerGpuHour);

/// <summary>
/// A stretch of a pool's future during which <see cref="Gpus"/> leased GPUs are unallocated for one cause; GPU-seconds
/// and their price as a numerator (GPU-seconds x KRW per GPU-hour), at the dearest lines in force.
/// </summary>
public sealed record UnallocatedSegment(long PoolId, long Start, long End, long Gpus, UnallocatedCause Cause, long GpuSeconds, long KrwNumerator);

/// <summary>
/// Looks forward from an instant: where will leased GPUs have no allocation, and why (api-docs/DEFINITIONS.md#forecast).
/// Unallocated capacity is priced at the top of the lease stack (api-docs/DEFINITIONS.md#lease-pricing), as idle is. GPUs
/// freed by an end are counted first (up to what the ended team held on the pool when it ended, until its window would
/// have closed) and take the dearest of the unallocated lines; the rest take the lines after them. The rest is a gap
/// before a late team joins while a team admitted to join later (its window not yet open) may use the pool and one of
/// the lines in force will still be leased when it can; likewise while nobody can use it yet but someone will (a team
/// waiting for its eligibility date); unplanned when teams could use it and none is still to join that could use the
/// lease; and a lease outliving the windows when no team ever can.
/// </summary>
public static class UnallocatedForecast
{
    public static IReadOnlyList<UnallocatedSegment> Compute(
        IReadOnlyList<ForecastLease> leases, IReadOnlyList<ForecastAllocation> allocations, IReadOnlyList<ForecastParticipation> participations,
        long from, long until)
    {
        ArgumentNullException.ThrowIfNull(leases);
        ArgumentNullException.ThrowIfNull(allocations);
        ArgumentNullException.ThrowIfNull(participations);
        var byId = participations.ToDictionary(p => p.Id);
        var segments = new List<UnallocatedSegment>();
        foreach (var pool in leases.GroupBy(l => l.PoolId).OrderBy(g => g.Key))
        {
            var lines = pool.ToList();
            var held = allocations.Where(a => a.PoolId == pool.Key).ToList();

            // GPUs an ended participation held on this pool at its end, given back until its window would have closed.
            var freed = held.Where(a => byId.TryGetValue(a.ParticipationId, out var p) && p.EndedAt == a.End)
                .Select(a => (Gpus: a.Gpus, From: a.End, To: byId[a.ParticipationId].WindowEnd)).ToList();
            var usable = participations.Where(p => !p.ExcludedPools.Contains(pool.Key))
                .Select(p => (p.WindowStart, p.UsableFrom, Until: p.EndedAt is { } ended ? Math.Min(ended, p.WindowEnd) : p.WindowEnd))
                .Where(p => p.Until > p.UsableFrom).ToList();

            var cuts = new SortedSet<long> { from, until };
            foreach (var t in lines.SelectMany(l => new[] { l.Start, l.End })
                .Concat(held.SelectMany(a => new[] { a.Start, a.End }))
                .Concat(freed.SelectMany(f => new[] { f.From, f.To }))
                .Concat(usable.SelectMany(p => new[] { p.UsableFrom, p.Until })))
            {
                if (t > from && t < until)
                {
                    cuts.Add(t);
                }
            }

            var points = cuts.ToList();
            for (var i = 0; i + 1 < points.Count; i++)
            {
                var (start, end) = (points[i], points[i + 1]);
                var inForce = lines.Where(l => l.Start <= start && l.End >= end).ToList();
                var free = inForce.Sum(l => l.Gpus) - held.Where(a => a.Start <= start && a.End >= end).Sum(a => a.Gpus);
                if (free <= 0)
                {
                    continue;
                }

                var fromEnd = Math.Min(free, freed.Where(f => f.From <= start && f.To >= end).Sum(f => f.Gpus));
                var rest = free - fromEnd;
                // A team still to come counts only if a line in force now is still in force when it may use GPUs: a
                // lease that ends before the late team can start is not waiting for it, it outlives what it can serve.
                bool CanUseThisLease((long WindowStart, long UsableFrom, long Until) p) => inForce.Any(l => l.End > p.UsableFrom);
                var canNow = usable.Any(p => p.UsableFrom <= start && p.Until >= end);
                var lateJoinerAhead = usable.Any(p => p.WindowStart >= end && CanUseThisLease(p));
                var anyoneLater = usable.Any(p => p.UsableFrom >= end && CanUseThisLease(p));
                var cause = (canNow, lateJoinerAhead, anyoneLater) switch
                {
                    (true, true, _) => UnallocatedCause.GapBeforeLateJoin,
                    (true, false, _) => UnallocatedCause.Unplanned,
                    (false, _, true) => UnallocatedCause.GapBeforeLateJoin,
                    _ => UnallocatedCause.LeaseOutlivesWindows,
                };

                // Unallocated GPUs sit at the top of the lease stack; the freed ones take its very top.
                var stack = LeasePricing.Of(inForce.Select(l => new PricedCapacity(l.Gpus, l.KrwPerGpuHour)));
                var seconds = end - start;
                if (fromEnd > 0)
                {
                    Add(segments, new UnallocatedSegment(pool.Key, start, end, fromEnd, UnallocatedCause.FreedByElimination, fromEnd * seconds,
                        stack.Top(fromEnd) * seconds));
                }

                if (rest > 0)
                {
                    Add(segments, new UnallocatedSegment(pool.Key, start, end, rest, cause, rest * seconds,
                        stack.Numerator(stack.Total - free, rest) * seconds));
                }
            }
        }

        return segments;
    }

    /// <summary>Appends, or lengthens the previous segment when it continues it with the same GPUs for the same cause.</summary>
    private static void Add(List<UnallocatedSegment> segments, UnallocatedSegment next)
    {
        var index = segments.FindLastIndex(s => s.PoolId == next.PoolId && s.Cause == next.Cause);
        if (index >= 0 && segments[index] is var last && last.End == next.Start && last.Gpus == next.Gpus
            && (Int128)last.KrwNumerator * (next.End - next.Start) == (Int128)next.KrwNumerator * (last.End - last.Start))
        {
            segments[index] = last with { End = next.End, GpuSeconds = last.GpuSeconds + next.GpuSeconds, KrwNumerator = last.KrwNumerator + next.KrwNumerator };
            return;
        }

        segments.Add(next);
    }
}
