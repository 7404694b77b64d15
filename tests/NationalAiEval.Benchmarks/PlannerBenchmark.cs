using Google.OrTools.Graph;
using NationalAiEval.Core.Capacity;
using NationalAiEval.Core.Planning;
using NationalAiEval.Core.Units;
using NationalAiEval.Core.Weights;
using NodaTime;

namespace NationalAiEval.Benchmarks;

/// <summary>
/// The planner at the size the issue names: 10 participations, 20 pools, two years with capacity changing daily.
/// Baseline: one OR-Tools min-cost flow over a network of the same shape (participations x pool-days), the least work
/// any flow-based planner does once.
/// </summary>
public static class PlannerBenchmark
{
    private static readonly Instant T0 = Instant.FromUtc(2026, 1, 1, 0, 0);

    public static IEnumerable<Result> Run()
    {
        var problem = Problem(participations: 10, pools: 20, days: 730);
        var timelineSegments = PlanningTimeline.Build(problem).Segments.Length;
        var segments = 0;
        Plan? plan = null;
        var analyse = Measure.MedianMilliseconds(() => EqualSharePlanner.Analyse(problem), runs: 3);
        var planMs = Measure.MedianMilliseconds(() => plan = EqualSharePlanner.Plan(problem), runs: 3);
        var baseline = Measure.MedianMilliseconds(() => segments = OneMinCostFlow(problem, 730), runs: 3);
        yield return new Result("Planner: max equal share", $"10 teams, 20 pools, two years cut into {timelineSegments} segments", analyse, "ms",
            $"one min-cost flow, {segments:N0} arcs", baseline, "< 5,000 ms", analyse < 5000);
        // Short of capacity (an entitlement 20% above the max equal share), the analysis adds the certificate: the
        // cheapest extra lease, a MIP over pool-days.
        var short_ = problem with { EntitlementMilliEghSeconds = EqualSharePlanner.Analyse(problem).MaxEqualShareMilliEghSeconds / 5 * 6 };
        EqualShare? certificate = null;
        var certificateMs = Measure.MedianMilliseconds(() => certificate = EqualSharePlanner.Analyse(short_), runs: 3);
        yield return new Result("Planner: shortfall certificate", $"entitlement 20% above the max share: {certificate!.ExtraLeases.Count:N0} extra lines over {PlanningTimeline.Build(short_).Segments.Length} segments, {(certificate.ExtraLeaseProvenCheapest ? "proven cheapest" : $"flow heuristic, not proven cheapest (over {CheapestExtraLease.MaximumFlowVariables:N0} solver variables)")}",
            certificateMs, "ms", $"one min-cost flow, {segments:N0} arcs", baseline, "< 5,000 ms", certificateMs < 5000);
        // A stage of the programme's own size (5 teams, 4 pools, half a year) short by 20%: the MIP proves the cheapest.
        var programme = Problem(participations: 5, pools: 4, days: 180);
        programme = programme with { EntitlementMilliEghSeconds = EqualSharePlanner.Analyse(programme).MaxEqualShareMilliEghSeconds / 5 * 6 };
        EqualShare? small = null;
        var smallMs = Measure.MedianMilliseconds(() => small = EqualSharePlanner.Analyse(programme), runs: 3);
        yield return new Result("Planner: cheapest extra lease (MIP)", $"5 teams, 4 pools, 180 days, 20% short: {small!.ExtraLeases.Count:N0} lines, {(small.ExtraLeaseProvenCheapest ? "proven cheapest" : "not proven")}",
            smallMs, "ms", $"one min-cost flow, {segments:N0} arcs", baseline, "< 5,000 ms", smallMs < 5000);
        yield return new Result("Planner: plan in whole GPUs on days", Describe(problem, plan!), planMs, "ms",
            $"one min-cost flow, {segments:N0} arcs", baseline, "< 5,000 ms", planMs < 5000);
        var stage = Problem(participations: 5, pools: 4, days: 180);
        Plan? stagePlan = null;
        var stageMs = Measure.MedianMilliseconds(() => stagePlan = EqualSharePlanner.Plan(stage), runs: 3);
        yield return new Result("Planner: plan in whole GPUs on days (programme size)", $"5 teams, 4 pools, 180 days: {Describe(stage, stagePlan!)}", stageMs, "ms",
            $"one min-cost flow, {segments:N0} arcs", baseline, "< 5,000 ms", stageMs < 5000);
    }

    private static string Describe(PlanningProblem problem, Plan plan) =>
        $"{plan.Allocations.Count:N0} allocations, {PlanMoves.Of(problem, plan.Allocations).Count:N0} moves, {PlanMoves.Changes(problem, plan.Allocations):N0} GPU changes, " +
        $"{(plan.Capacity.Feasible && plan.TargetMilliEghSeconds == problem.EntitlementMilliEghSeconds ? "entitlement reached" : "at the largest equal share")}, {(plan.ProvenOptimal ? "proven" : "best found in time")}";

    /// <summary>Pools with lease lines starting and ending on many different days, and one that changes every day.</summary>
    private static PlanningProblem Problem(int participations, int pools, int days)
    {
        var random = new Random(42);
        string[] models = ["B200", "H200", "H100"];
        var poolList = Enumerable.Range(1, pools).Select(id =>
        {
            var lines = Enumerable.Range(0, 40).Select(_ =>
            {
                var start = random.Next(0, days - 10);
                return new LeaseLine(8 * random.Next(4, 64), new Interval(T0 + Duration.FromDays(start), T0 + Duration.FromDays(Math.Min(days, start + random.Next(10, 200)))), random.Next(4, 9) * 1000);
            }).ToList();
            if (id == 1)
            {
                // One pool whose capacity changes every day: the timeline then has a segment per day.
                lines.AddRange(Enumerable.Range(0, days).Select(d => new LeaseLine(8 * (1 + (d % 7)), new Interval(T0 + Duration.FromDays(d), T0 + Duration.FromDays(d + 1)), 9000)));
            }

            return new PlanPool(id, $"pool-{id}", models[id % 3], 8, lines, [], new NewLeaseTerms(8000, Period.FromMonths(1)));
        }).ToList();
        var teams = Enumerable.Range(1, participations).Select(id =>
        {
            var join = random.Next(0, days * 270 / 730);
            return new PlanParticipation(id, $"team-{id}", new Interval(T0 + Duration.FromDays(join), T0 + Duration.FromDays(join + (days * 400 / 730))),
                id % 4 == 0 ? T0 + Duration.FromDays(join + 60) : null, id % 5 == 0 ? new HashSet<long> { 1, 2 } : [], 0);
        }).ToList();
        var weights = new WeightSchedule(DefaultWeights.PerMille.Select(w => new WeightVersion(w.Key, new LocalDate(2020, 1, 1), Instant.FromUtc(2020, 1, 1, 0, 0), w.Value)));
        return new PlanningProblem(T0, GpuTime.MilliEghSecondsFromEgh(150L * 24 * 300), poolList, teams, weights);
    }

    /// <summary>A min-cost flow with one arc per participation and pool-day: the shape of the planner's network.</summary>
    private static int OneMinCostFlow(PlanningProblem problem, int days)
    {
        using var flow = new MinCostFlow();
        var pools = problem.Pools.Count;
        var teams = problem.Participations.Count;
        long demand = 0;
        for (var p = 0; p < teams; p++)
        {
            flow.AddArcWithCapacityAndUnitCost(0, 2 + p, 1_000_000, 0);
            demand += 1_000_000;
            for (var k = 0; k < pools; k++)
            {
                for (var d = 0; d < days; d++)
                {
                    flow.AddArcWithCapacityAndUnitCost(2 + p, 2 + teams + (k * days) + d, 1_000_000, d);
                }
            }
        }

        for (var k = 0; k < pools; k++)
        {
            for (var d = 0; d < days; d++)
            {
                flow.AddArcWithCapacityAndUnitCost(2 + teams + (k * days) + d, 1, 100_000, -8);
            }
        }

        flow.SetNodeSupply(0, demand);
        flow.SetNodeSupply(1, -demand);
        flow.Solve();
        return flow.NumArcs();
    }
}
