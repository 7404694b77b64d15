using Google.OrTools.LinearSolver;
using NationalAiEval.Core.Pricing;
using NodaTime;

namespace NationalAiEval.Core.Planning;

/// <summary>
/// The cheapest extra lease lines a provider could sign that make the entitlement reachable for every participation
/// (api-docs/DEFINITIONS.md#planner): whole GPUs (or nodes), starting and ending on day boundaries of the programme's
/// zone, each at least its pool's minimum length, only on pools open to new leases, priced at the pool's stated rate.
/// <para>
/// A mixed-integer programme (SCIP, bundled with OR-Tools): per open pool and day, the extra units in force (integer)
/// and the units that start that day; a unit that starts must still be there until the minimum length has passed
/// (the "minimum up time" constraints of unit commitment, exact for identical units: ending the oldest units first
/// turns any feasible profile into lines of at least the minimum length). The participations' equivalent GPU-time flows
/// through the cells (pool x timeline segment) as in the equal-share network, each cell holding its free capacity plus
/// the extra units of the days it overlaps. The cost is the extra GPU-seconds times the stated rate, minimised
/// to optimality (gap 0).
/// </para>
/// </summary>
internal static class CheapestExtraLease
{
    /// <summary>
    /// How long the solver may search. Stages of the programme's size are solved to optimality well within it; should one
    /// not be, the best lines found so far are returned (or, if none, the flow heuristic's), marked as not proven
    /// cheapest, so no request waits on it.
    /// </summary>
    public static readonly TimeSpan TimeLimit = TimeSpan.FromSeconds(4);

    /// <summary>The largest programme (participation x pool x segment flows) given to the solver; larger ones go to the heuristic.</summary>
    public const int MaximumFlowVariables = 20_000;

    /// <summary>
    /// The lines, or when no lease on open pools can close the shortfall, none and the participations no open pool can
    /// serve (api-docs/DEFINITIONS.md#planner: "teams without capacity").
    /// </summary>
    public static (List<ExtraLease> Leases, List<long> Unreachable, bool Proven) Find(
        PlanningProblem problem, long[] demands, int maximumFlowVariables = MaximumFlowVariables)
    {
        if (demands.All(d => d == 0))
        {
            return ([], [], true);
        }

        // Within a segment of the timeline every pool's free GPUs and weight and every participation's access are
        // constant, so a segment is one cell however many days it spans: the days' extra units add to its capacity.
        // Cutting it at the first midnight (no line starts before) leaves its end, the horizon's, where it was.
        var zone = problem.TimeZone;
        var firstDay = NextMidnight(problem.From, zone);
        var timeline = PlanningTimeline.Build(problem, [firstDay]);
        var horizonEnd = timeline.Segments.Length == 0 ? problem.From : timeline.Segments[^1].End;
        var minimums = problem.Pools.Where(p => p.NewLeases is not null).Select(p => p.NewLeases!.MinimumLength).ToList();
        var days = DayBoundaries(firstDay, horizonEnd, minimums, zone);

        // With no open pool in a participation's reach, no lease can help it; were every short participation in reach
        // of one, the programme below would always be feasible (extra units are unbounded).
        var outOfReach = problem.Participations
            .Where((p, i) => demands[i] > 0 && !Enumerable.Range(0, problem.Pools.Count).Any(k =>
                Enumerable.Range(0, timeline.Segments.Length).Any(s => timeline.Allows(p, k, s) && Extendable(problem, k, timeline, s, firstDay))))
            .Select(p => p.ParticipationId)
            .ToList();

        // Past this many flow variables SCIP does not prove (or even find) the optimum within its time; the flow
        // heuristic's lines are valid and checked, but not proven cheapest (README, Performance).
        var flows = Enumerable.Range(0, problem.Pools.Count).Sum(k => Enumerable.Range(0, timeline.Segments.Length)
            .Sum(s => problem.Participations.Count(p => timeline.PerMille[k, s] > 0 && timeline.Allows(p, k, s))));
        for (var attempt = 0; attempt < 3; attempt++)
        {
            // A solver's tolerance, or capacity floored per day here and per line there, could leave a flow a hair short
            // of a demand: the result is checked exactly, and if it falls short, solved again asking a little more.
            var margin = attempt * (long)(timeline.Segments.Length + days.Count);
            var asked = demands.Select(d => d == 0 ? 0 : d + margin).ToArray();

            // The heuristic's lines first: they start the solver from a good solution, and stand if it finds no better.
            var heuristic = outOfReach.Count > 0 ? null : RoundedUpExtraLease.Find(problem, timeline, days, asked, firstDay);
            var (solved, proven) = flows <= maximumFlowVariables ? Solve(problem, timeline, days, asked, heuristic) : (null, false);
            if (solved is null && proven)
            {
                return ([], outOfReach, true);
            }

            var lines = solved is not null && (heuristic is null || Cost(solved) <= Cost(heuristic)) ? solved : heuristic;
            proven &= ReferenceEquals(lines, solved);
            if (lines is null)
            {
                return ([], outOfReach, false);
            }

            if (EqualSharePlanner.Reaches(problem.WithExtraLeases(lines)))
            {
                return (lines, [], proven);
            }
        }

        throw new InvalidOperationException("The extra lease found does not make the entitlement reachable: the model is inconsistent.");
    }

    /// <summary>The lines (null when there are none: infeasible, or nothing found in time), and whether they are proven cheapest.</summary>
    private static (List<ExtraLease>? Lines, bool Proven) Solve(
        PlanningProblem problem, PlanningTimeline timeline, List<Instant> days, long[] demands, List<ExtraLease>? hint)
    {
        using var solver = Solver.CreateSolver("SCIP") ?? throw new InvalidOperationException("OR-Tools was built without SCIP.");
        var dayCount = days.Count - 1;
        var extra = new Variable?[problem.Pools.Count, Math.Max(0, dayCount)];
        var starts = new Variable?[problem.Pools.Count, Math.Max(0, dayCount)];
        var objective = solver.Objective();
        objective.SetMinimization();
        for (var k = 0; k < problem.Pools.Count; k++)
        {
            var pool = problem.Pools[k];
            if (pool.NewLeases is not { } terms || dayCount <= 0)
            {
                continue;
            }

            var unit = problem.UnitOf(pool);

            // No more units than would carry every demand on one day of this pool at its lowest weight: a bound, not a rule.
            var lowest = Math.Max(1, Enumerable.Range(0, timeline.Segments.Length).Select(s => timeline.PerMille[k, s]).Where(w => w > 0).DefaultIfEmpty(1).Min());
            var upper = Math.Ceiling(demands.Sum() / (double)(unit * 86_400L * lowest / 3600)) + 1;
            for (var d = 0; d < dayCount; d++)
            {
                var e = solver.MakeIntVar(0, upper, $"e_{k}_{d}");
                extra[k, d] = e;
                starts[k, d] = solver.MakeIntVar(0, upper, $"s_{k}_{d}");
                var seconds = (days[d + 1] - days[d]).TotalSeconds;
                objective.SetCoefficient(e, unit * seconds * terms.KrwPerGpuHour / 3600.0);

                // Units in force grow only by units that start.
                var growth = solver.MakeConstraint(double.NegativeInfinity, 0);
                growth.SetCoefficient(e, 1);
                growth.SetCoefficient(starts[k, d], -1);
                if (d > 0)
                {
                    growth.SetCoefficient(extra[k, d - 1], -1);
                }
            }

            // Every unit started on day d is still in force on every day before its minimum end.
            var minimumEnd = Enumerable.Range(0, dayCount).Select(d => FirstBoundaryAtOrAfter(days, MinimumEnd(days[d], terms.MinimumLength, problem.TimeZone))).ToArray();
            for (var d = 0; d < dayCount; d++)
            {
                var held = solver.MakeConstraint(0, double.PositiveInfinity);
                held.SetCoefficient(extra[k, d], 1);
                for (var started = 0; started <= d; started++)
                {
                    if (minimumEnd[started] > d)
                    {
                        held.SetCoefficient(starts[k, started], -1);
                    }
                }
            }
        }

        var supplied = Enumerable.Range(0, problem.Participations.Count).Select(_ => solver.MakeConstraint(0, double.PositiveInfinity)).ToArray();
        for (var k = 0; k < problem.Pools.Count; k++)
        {
            var unit = problem.UnitOf(problem.Pools[k]);
            for (var s = 0; s < timeline.Segments.Length; s++)
            {
                if (timeline.PerMille[k, s] == 0)
                {
                    continue;
                }

                // Free capacity plus each overlapping day's extra units, floored to milli-EGH as the exact network does.
                var cell = solver.MakeConstraint(double.NegativeInfinity, timeline.CapacityMilliEgh(k, s) / FlowScale);
                var segment = timeline.Segments[s];
                foreach (var d in DaysOverlapping(days, segment))
                {
                    var overlap = (long)((days[d + 1] < segment.End ? days[d + 1] : segment.End) - (days[d] > segment.Start ? days[d] : segment.Start)).TotalSeconds;
                    if (extra[k, d] is { } e && overlap > 0)
                    {
                        cell.SetCoefficient(e, -(double)(unit * overlap * timeline.PerMille[k, s] / 3600) / FlowScale);
                    }
                }

                for (var p = 0; p < problem.Participations.Count; p++)
                {
                    if (demands[p] > 0 && timeline.Allows(problem.Participations[p], k, s))
                    {
                        var flow = solver.MakeNumVar(0, double.PositiveInfinity, $"f_{p}_{k}_{s}");
                        cell.SetCoefficient(flow, 1);
                        supplied[p].SetCoefficient(flow, 1);
                    }
                }
            }
        }

        for (var p = 0; p < demands.Length; p++)
        {
            supplied[p].SetLb(demands[p] / FlowScale);
        }

        if (hint is not null && dayCount > 0)
        {
            // A start: the units each line of the hint holds per day, and the units it starts with.
            var hinted = new List<Variable>();
            var values = new List<double>();
            for (var k = 0; k < problem.Pools.Count; k++)
            {
                if (problem.Pools[k].NewLeases is null)
                {
                    continue;
                }

                var unit = problem.UnitOf(problem.Pools[k]);
                var profile = new long[dayCount];
                foreach (var line in hint.Where(l => l.PoolId == problem.Pools[k].PoolId))
                {
                    foreach (var d in DaysOverlapping(days, line.Span))
                    {
                        profile[d] += line.Gpus / unit;
                    }
                }

                for (var d = 0; d < dayCount; d++)
                {
                    hinted.Add(extra[k, d]!);
                    values.Add(profile[d]);
                    hinted.Add(starts[k, d]!);
                    values.Add(Math.Max(0, profile[d] - (d > 0 ? profile[d - 1] : 0)));
                }
            }

            solver.SetHint([.. hinted], [.. values]);
        }

        var parameters = new MPSolverParameters();
        parameters.SetDoubleParam(MPSolverParameters.DoubleParam.RELATIVE_MIP_GAP, 0);
        solver.SetTimeLimit((long)TimeLimit.TotalMilliseconds);
        var status = solver.Solve(parameters);
        if (status is Solver.ResultStatus.INFEASIBLE)
        {
            return (null, true);
        }

        if (status is not (Solver.ResultStatus.OPTIMAL or Solver.ResultStatus.FEASIBLE))
        {
            return (null, false);
        }

        var lines = new List<ExtraLease>();
        for (var k = 0; k < problem.Pools.Count; k++)
        {
            if (problem.Pools[k].NewLeases is null || dayCount <= 0)
            {
                continue;
            }

            var profile = Enumerable.Range(0, dayCount).Select(d => (long)Math.Round(extra[k, d]!.SolutionValue())).ToArray();
            lines.AddRange(Priced(problem, k, Lines(profile, days)));
        }

        return (lines, status == Solver.ResultStatus.OPTIMAL);
    }

    /// <summary>Flows and capacities are given to the solver in B200-GPU-days (24,000 milli-EGH), near the units' own scale.</summary>
    private const double FlowScale = 24_000;

    /// <summary>What lines cost in all, exactly (GPU-seconds x KRW per GPU-hour).</summary>
    internal static Int128 Cost(IEnumerable<ExtraLease> lines) => lines.Aggregate(Int128.Zero, (sum, l) => sum + ((Int128)l.GpuSeconds * l.KrwPerGpuHour));

    /// <summary>Lines of units on a pool as extra lease lines in GPUs, priced at the pool's stated rate, won rounded once per line.</summary>
    internal static IEnumerable<ExtraLease> Priced(PlanningProblem problem, int pool, IEnumerable<(long Units, Interval Span)> lines)
    {
        var terms = problem.Pools[pool].NewLeases!;
        var unit = problem.UnitOf(problem.Pools[pool]);
        return lines.Select(l =>
        {
            var gpus = l.Units * unit;
            var gpuSeconds = gpus * (long)(l.Span.End - l.Span.Start).TotalSeconds;
            return new ExtraLease(problem.Pools[pool].PoolId, gpus, l.Span, gpuSeconds, LeasePricing.Krw((Int128)gpuSeconds * terms.KrwPerGpuHour), terms.KrwPerGpuHour);
        });
    }

    internal static IEnumerable<(long Units, Interval Span)> Lines(long[] profile, IReadOnlyList<Instant> days) =>
        LineDays(profile).Select(l => (l.Units, new Interval(days[l.Start], days[l.End])));

    /// <summary>
    /// A profile of units in force per day as lease lines (day indices): units start when the profile rises and the
    /// oldest end first when it falls, which keeps every line at least the minimum length whenever the profile allows it.
    /// </summary>
    internal static IEnumerable<(long Units, int Start, int End)> LineDays(long[] profile)
    {
        var open = new List<(int Start, long Units)>();
        var closed = new List<(int Start, int End, long Units)>();
        long previous = 0;
        for (var d = 0; d <= profile.Length; d++)
        {
            var now = d < profile.Length ? profile[d] : 0;
            if (now > previous)
            {
                open.Add((d, now - previous));
            }

            for (var ending = previous - now; ending > 0;)
            {
                var (start, units) = open[0];
                var taken = Math.Min(units, ending);
                closed.Add((start, d, taken));
                ending -= taken;
                if (taken == units)
                {
                    open.RemoveAt(0);
                }
                else
                {
                    open[0] = (start, units - taken);
                }
            }

            previous = now;
        }

        return closed.GroupBy(c => (c.Start, c.End)).OrderBy(g => g.Key.Start).ThenBy(g => g.Key.End)
            .Select(g => (g.Sum(c => c.Units), g.Key.Start, g.Key.End));
    }

    /// <summary>Whether a new line on the pool could add capacity during the segment (open pool, after the first day boundary).</summary>
    private static bool Extendable(PlanningProblem problem, int pool, PlanningTimeline timeline, int segment, Instant firstDay) =>
        problem.Pools[pool].NewLeases is not null && timeline.Segments[segment].Start >= firstDay;

    /// <summary>Day boundaries from the first at or after the planning start, far enough for the longest minimum line from the horizon's last day.</summary>
    private static List<Instant> DayBoundaries(Instant first, Instant horizonEnd, List<Period> minimums, DateTimeZone zone)
    {
        var days = new List<Instant> { first };
        var lastNeeded = NextMidnight(horizonEnd, zone);
        var reach = minimums.Count == 0 ? lastNeeded : minimums.Select(m => MinimumEnd(lastNeeded, m, zone)).Max();
        while (days[^1] < reach)
        {
            days.Add(NextMidnight(days[^1] + Duration.FromSeconds(1), zone));
        }

        return days;
    }

    internal static Instant MinimumEnd(Instant start, Period minimum, DateTimeZone zone)
    {
        var date = start.InZone(zone).Date;
        return NextMidnight(zone.AtStartOfDay(date.Plus(minimum)).ToInstant(), zone);
    }

    /// <summary>The days (indices into <paramref name="days"/>' boundaries) that a span overlaps.</summary>
    internal static IEnumerable<int> DaysOverlapping(List<Instant> days, Interval span)
    {
        for (var d = Math.Max(0, DayIndex(days, span.Start)); d < days.Count - 1 && days[d] < span.End; d++)
        {
            yield return d;
        }
    }

    /// <summary>The day an instant falls in (-1 before the first boundary).</summary>
    internal static int DayIndex(List<Instant> days, Instant at)
    {
        var i = days.BinarySearch(at);
        return i >= 0 ? i : ~i - 1;
    }

    internal static int FirstBoundaryAtOrAfter(List<Instant> days, Instant at)
    {
        var i = days.BinarySearch(at);
        return i >= 0 ? i : ~i;
    }

    /// <summary>The first start of a day in the zone at or after <paramref name="at"/>.</summary>
    private static Instant NextMidnight(Instant at, DateTimeZone zone)
    {
        var date = at.InZone(zone).Date;
        var start = zone.AtStartOfDay(date).ToInstant();
        return start >= at ? start : zone.AtStartOfDay(date.PlusDays(1)).ToInstant();
    }
}
