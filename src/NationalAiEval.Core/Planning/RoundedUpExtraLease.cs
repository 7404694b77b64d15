using Google.OrTools.Graph;
using NodaTime;

namespace NationalAiEval.Core.Planning;

/// <summary>
/// Extra lease lines for programmes too large for <see cref="CheapestExtraLease"/>'s solver: valid under the same rules
/// (whole units, day boundaries, minimum lengths, open pools, stated prices) but not proven cheapest. A min-cost flow
/// lets each cell (pool x segment from the first day boundary) draw from an unlimited extra line at the pool's stated
/// price per equivalent hour; each cell's extra is rounded up to whole units for every day it touches, the days'
/// profile cut into lines (oldest units end first), and every line shorter than its pool's minimum lengthened to it.
/// Rounding up and lengthening only add capacity, so the entitlement stays reachable.
/// </summary>
internal static class RoundedUpExtraLease
{
    public static List<ExtraLease>? Find(PlanningProblem problem, PlanningTimeline timeline, List<Instant> days, long[] demands, Instant firstDay)
    {
        var total = demands.Sum();
        var dayCount = days.Count - 1;
        using var flow = new MinCostFlow();
        const int source = 0, sink = 1;
        var participations = problem.Participations.Count;
        int Cell(int k, int s) => 2 + participations + (k * timeline.Segments.Length) + s;
        for (var p = 0; p < participations; p++)
        {
            flow.AddArcWithCapacityAndUnitCost(source, 2 + p, demands[p], 0);
        }

        var extraArcs = new Dictionary<(int Pool, int Segment), int>();
        for (var k = 0; k < problem.Pools.Count; k++)
        {
            for (var s = 0; s < timeline.Segments.Length; s++)
            {
                if (timeline.PerMille[k, s] == 0)
                {
                    continue;
                }

                for (var p = 0; p < participations; p++)
                {
                    if (demands[p] > 0 && timeline.Allows(problem.Participations[p], k, s))
                    {
                        flow.AddArcWithCapacityAndUnitCost(2 + p, Cell(k, s), total, 0);
                    }
                }

                flow.AddArcWithCapacityAndUnitCost(Cell(k, s), sink, timeline.CapacityMilliEgh(k, s), 0);
                if (problem.Pools[k].NewLeases is { } terms && timeline.Segments[s].Start >= firstDay)
                {
                    extraArcs[(k, s)] = flow.AddArcWithCapacityAndUnitCost(Cell(k, s), sink, total, Math.Max(1, terms.KrwPerGpuHour * 1000 / timeline.PerMille[k, s]));
                }
            }
        }

        flow.SetNodeSupply(source, total);
        flow.SetNodeSupply(sink, -total);
        if (flow.Solve() != MinCostFlow.Status.OPTIMAL)
        {
            return null;
        }

        var lines = new List<ExtraLease>();
        for (var k = 0; k < problem.Pools.Count; k++)
        {
            if (problem.Pools[k].NewLeases is not { } terms)
            {
                continue;
            }

            var unit = problem.UnitOf(problem.Pools[k]);
            var profile = new long[dayCount];
            for (var s = 0; s < timeline.Segments.Length; s++)
            {
                var extra = extraArcs.TryGetValue((k, s), out var arc) ? flow.Flow(arc) : 0;
                if (extra == 0)
                {
                    continue;
                }

                var perUnitSecond = timeline.PerMille[k, s] * unit;
                var units = CeilDiv(CeilDiv(extra * 3600, perUnitSecond), timeline.Seconds(s));
                var segment = timeline.Segments[s];
                foreach (var d in CheapestExtraLease.DaysOverlapping(days, segment))
                {
                    profile[d] = Math.Max(profile[d], units);
                }
            }

            var lengthened = CheapestExtraLease.LineDays(profile).Select(l =>
            {
                var minimumEnd = CheapestExtraLease.FirstBoundaryAtOrAfter(days, CheapestExtraLease.MinimumEnd(days[l.Start], terms.MinimumLength, problem.TimeZone));
                return (l.Units, new Interval(days[l.Start], days[Math.Min(days.Count - 1, Math.Max(l.End, minimumEnd))]));
            });
            lines.AddRange(CheapestExtraLease.Priced(problem, k, lengthened));
        }

        return lines;
    }

    private static long CeilDiv(long a, long b) => (a + b - 1) / b;
}
