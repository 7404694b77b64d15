using NodaTime;

namespace NationalAiEval.Core.Planning;

/// <summary>
/// Turns the plan's flows into allocations of whole GPUs (or whole nodes) without losing any of them, by McNaughton's
/// wrap-around rule. In a cell (a pool during a segment) each participation's share is a number of unit-seconds:
/// it gets the whole units for the whole segment, and the remainder as one more unit for part of the segment. The
/// remainders are laid end to end along the free units, wrapping to the next unit at the segment's end; since no
/// remainder is longer than the segment, a participation's two pieces never overlap, and at any instant at most one
/// piece uses each free unit. So capacity holds at every instant and every share is exact to the second.
/// </summary>
internal static class WrapAround
{
    public static (List<PlannedAllocation> Allocations, long[] PlannedMilliEghSeconds) Allocate(PlanningTimeline timeline, long[,,] flows)
    {
        var problem = timeline.Problem;
        var pieces = new List<PlannedAllocation>();
        var planned = new long[problem.Participations.Count];
        for (var k = 0; k < problem.Pools.Count; k++)
        {
            var unit = problem.UnitOf(problem.Pools[k]);
            for (var s = 0; s < timeline.Segments.Length; s++)
            {
                var perMille = timeline.PerMille[k, s];
                var seconds = timeline.Seconds(s);
                if (perMille == 0 || seconds == 0)
                {
                    continue;
                }

                // Unit-seconds each participation gets in the cell: its milli-EGH as GPU-seconds, in whole units.
                var shares = Enumerable.Range(0, problem.Participations.Count)
                    .Select(p => flows[p, k, s] * 3600 / perMille / unit)
                    .ToArray();
                if (shares.All(x => x == 0))
                {
                    continue;
                }

                var start = timeline.Segments[s].Start;
                long slotOffset = 0;
                for (var p = 0; p < shares.Length; p++)
                {
                    var whole = shares[p] / seconds;
                    var remainder = shares[p] % seconds;
                    var extra = new List<(long From, long To)>();
                    if (remainder > 0)
                    {
                        if (slotOffset + remainder <= seconds)
                        {
                            extra.Add((slotOffset, slotOffset + remainder));
                            slotOffset = (slotOffset + remainder) % seconds;
                        }
                        else
                        {
                            var tail = remainder - (seconds - slotOffset);
                            extra.Add((slotOffset, seconds));
                            extra.Add((0, tail));
                            slotOffset = tail;
                        }
                    }

                    foreach (var (from, to, units) in Runs(whole, extra, seconds))
                    {
                        var gpus = units * unit;
                        pieces.Add(new PlannedAllocation(problem.Participations[p].ParticipationId, problem.Pools[k].PoolId, gpus,
                            new Interval(start + Duration.FromSeconds(from), start + Duration.FromSeconds(to))));
                        planned[p] = checked(planned[p] + (gpus * (to - from) * perMille));
                    }
                }
            }
        }

        return (Merge(pieces), planned);
    }

    /// <summary>The stretches of the segment with a constant number of units: the whole ones, plus one during the pieces.</summary>
    private static IEnumerable<(long From, long To, long Units)> Runs(long whole, List<(long From, long To)> extra, long seconds)
    {
        var cuts = new SortedSet<long> { 0, seconds };
        foreach (var (from, to) in extra)
        {
            cuts.Add(from);
            cuts.Add(to);
        }

        var points = cuts.ToArray();
        for (var i = 0; i + 1 < points.Length; i++)
        {
            var units = whole + (extra.Any(e => e.From <= points[i] && points[i] < e.To) ? 1 : 0);
            if (units > 0)
            {
                yield return (points[i], points[i + 1], units);
            }
        }
    }

    /// <summary>One allocation per run of constant GPUs for a participation on a pool, across segments.</summary>
    private static List<PlannedAllocation> Merge(List<PlannedAllocation> pieces)
    {
        var merged = new List<PlannedAllocation>();
        foreach (var group in pieces.GroupBy(p => (p.ParticipationId, p.PoolId)))
        {
            PlannedAllocation? open = null;
            foreach (var piece in group.OrderBy(p => p.Span.Start))
            {
                if (open is not null && open.Gpus == piece.Gpus && open.Span.End == piece.Span.Start)
                {
                    open = open with { Span = new Interval(open.Span.Start, piece.Span.End) };
                    continue;
                }

                if (open is not null)
                {
                    merged.Add(open);
                }

                open = piece;
            }

            if (open is not null)
            {
                merged.Add(open);
            }
        }

        return merged.OrderBy(a => a.Span.Start).ThenBy(a => a.PoolId).ThenBy(a => a.ParticipationId).ToList();
    }
}
