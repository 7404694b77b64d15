using Google.OrTools.Graph;
using NationalAiEval.Core.Idle;
using NationalAiEval.Core.Pricing;
using NodaTime;

namespace NationalAiEval.Core.Planning;

/// <summary>
/// The equal-share planner (api-docs/DEFINITIONS.md#planner). The problem is a flow network: each participation draws equivalent
/// GPU-time (in milli-EGH) from the (pool, segment) cells its window, eligibility and exclusions allow; a cell holds
/// its free GPUs times its hours times its weight. OR-Tools solves it: the largest equal share by bisection over
/// max-flow feasibility, the bottlenecks from the minimum cut at the entitlement, the plan itself by min-cost flow, and
/// the cheapest extra lease lines a provider could sign by <see cref="CheapestExtraLease"/>. The plan itself, in whole GPUs (or
/// nodes) on step boundaries, comes from <see cref="PracticalPlanner"/>.
/// </summary>
public static class EqualSharePlanner
{
    private const long MilliEghSecondsPerUnit = 3600;

    public static EqualShare Analyse(PlanningProblem problem) => Analyse(PlanningTimeline.Build(problem));

    /// <summary>How long each of the plan's solver rounds may take before its best answer so far is used.</summary>
    public static readonly TimeSpan PlanRoundLimit = TimeSpan.FromSeconds(1);

    public static Plan Plan(PlanningProblem problem) => Plan(problem, PlanRoundLimit);

    /// <summary>A plan a manager can run (<see cref="PracticalPlanner"/>), changing only on the problem's step boundaries.</summary>
    public static Plan Plan(PlanningProblem problem, TimeSpan roundLimit)
    {
        ArgumentNullException.ThrowIfNull(problem);
        var end = PlanningTimeline.End(problem);
        Instant[] steps = [.. new[] { problem.From }.Concat(PlanSteps.Between(problem.Step, problem.TimeZone, problem.From, end)).Append(end).Distinct()];
        var timeline = PlanningTimeline.Build(problem, steps);
        var share = Analyse(timeline);
        var target = Math.Min(problem.EntitlementMilliEghSeconds, share.MaxEqualShareMilliEghSeconds);
        var needs = problem.Participations.Select(p => Math.Max(0, target - p.ReceivedMilliEghSeconds)).ToArray();
        var practical = PracticalPlanner.Plan(timeline, steps, needs, roundLimit);
        var shares = problem.Participations
            .Select(p => new PlannedShare(p.ParticipationId, p.ReceivedMilliEghSeconds,
                practical.Allocations.Where(a => a.ParticipationId == p.ParticipationId).Sum(problem.EquivalentOf)))
            .ToList();
        return new Plan(share, target - practical.ShortMilliEghSeconds, practical.Allocations, shares, Unallocated(timeline, practical.Allocations),
            practical.ProvenOptimal);
    }

    private static EqualShare Analyse(PlanningTimeline timeline)
    {
        var problem = timeline.Problem;
        var entitlement = problem.EntitlementMilliEghSeconds;
        if (problem.Participations.Count == 0)
        {
            return new EqualShare(entitlement, entitlement, [], [], []);
        }

        using var network = new Network(timeline);
        var received = problem.Participations.Select(p => p.ReceivedMilliEghSeconds).ToArray();
        long lo = 0;
        var hi = (received.Max() / MilliEghSecondsPerUnit) + network.TotalCapacity + 1;
        while (hi - lo > 1)
        {
            var mid = lo + ((hi - lo) / 2);
            if (network.Feasible(Demands(problem, mid * MilliEghSecondsPerUnit)))
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }

        var maxShare = lo * MilliEghSecondsPerUnit;
        if (maxShare >= entitlement)
        {
            return new EqualShare(maxShare, entitlement, [], [], []);
        }

        network.Feasible(Demands(problem, entitlement));
        var (leases, unreachable, proven) = CheapestExtraLease.Find(problem, Demands(problem, entitlement));
        return new EqualShare(maxShare, entitlement, network.Bottlenecks(), leases, unreachable, proven);
    }

    /// <summary>Whether every participation can reach the entitlement: one max-flow, no certificate.</summary>
    internal static bool Reaches(PlanningProblem problem)
    {
        using var network = new Network(PlanningTimeline.Build(problem));
        return network.Feasible(Demands(problem, problem.EntitlementMilliEghSeconds));
    }

    /// <summary>What each participation still needs to reach <paramref name="share"/>, in milli-EGH (rounded up).</summary>
    internal static long[] Demands(PlanningProblem problem, long share) =>
        problem.Participations
            .Select(p => Math.Max(0, (share - p.ReceivedMilliEghSeconds + MilliEghSecondsPerUnit - 1) / MilliEghSecondsPerUnit))
            .ToArray();

    /// <summary>
    /// What the plan leaves unallocated per pool from its start, priced exactly as the waste report prices idle
    /// unallocated capacity (<see cref="IdleHours.Unallocated"/>, api-docs/DEFINITIONS.md#lease-pricing).
    /// </summary>
    internal static List<UnallocatedCapacity> Unallocated(PlanningTimeline timeline, IReadOnlyList<PlannedAllocation> allocations)
    {
        var problem = timeline.Problem;
        var from = problem.From.ToUnixTimeSeconds();
        var to = timeline.Segments.Length == 0 ? from : timeline.Segments[^1].End.ToUnixTimeSeconds();
        return [.. problem.Pools.Select(pool =>
        {
            var leases = pool.Leases.Select(l => new PricedLease(l.Gpus, l.Span.Start.ToUnixTimeSeconds(), l.Span.End.ToUnixTimeSeconds(), l.KrwPerGpuHour)).ToList();
            var held = pool.Locked.Select(a => (a.Gpus, a.Span))
                .Concat(allocations.Where(a => a.PoolId == pool.PoolId).Select(a => (a.Gpus, a.Span)))
                .Select((a, i) => new TeamAllocation(i, a.Gpus, a.Span.Start.ToUnixTimeSeconds(), a.Span.End.ToUnixTimeSeconds()))
                .ToList();
            var (gpuSeconds, numerator) = IdleHours.Unallocated(from, to, leases, held);
            return new UnallocatedCapacity(pool.PoolId, gpuSeconds, LeasePricing.Krw(numerator));
        })];
    }

    private static List<(int Pool, int Segment)> Cells(PlanningTimeline timeline) =>
        (from k in Enumerable.Range(0, timeline.Problem.Pools.Count)
         from s in Enumerable.Range(0, timeline.Segments.Length)
         where timeline.PerMille[k, s] > 0
         select (k, s)).ToList();

    private const int Source = 0;
    private const int Sink = 1;

    private static int ParticipationNode(int p) => 2 + p;

    private static int CellNode(PlanningTimeline timeline, int pool, int segment) =>
        2 + timeline.Problem.Participations.Count + (pool * timeline.Segments.Length) + segment;

    /// <summary>The max-flow network, built once and re-solved with new demands during the bisection.</summary>
    private sealed class Network : IDisposable
    {
        private readonly PlanningTimeline _timeline;
        private readonly MaxFlow _flow = new();
        private readonly int[] _sourceArcs;
        private readonly List<(int Tail, int Head, int Arc)> _arcs = [];
        private readonly Dictionary<int, (int Pool, int Segment)> _cellOfSinkArc = [];

        public Network(PlanningTimeline timeline)
        {
            _timeline = timeline;
            var problem = timeline.Problem;
            _sourceArcs = new int[problem.Participations.Count];
            for (var p = 0; p < problem.Participations.Count; p++)
            {
                _sourceArcs[p] = Add(Source, ParticipationNode(p), 0);
            }

            // Cells with nothing free stay in the network: when a team can only use those, they are its bottleneck.
            var cells = Cells(timeline);
            TotalCapacity = cells.Sum(c => timeline.CapacityMilliEgh(c.Pool, c.Segment));
            foreach (var (k, s) in cells)
            {
                _cellOfSinkArc[Add(CellNode(timeline, k, s), Sink, timeline.CapacityMilliEgh(k, s))] = (k, s);
                for (var p = 0; p < problem.Participations.Count; p++)
                {
                    if (timeline.Allows(problem.Participations[p], k, s))
                    {
                        // Never binding, so that a minimum cut runs through cells' capacities (or demands), not through these.
                        Add(ParticipationNode(p), CellNode(timeline, k, s), TotalCapacity + 1);
                    }
                }
            }
        }

        public long TotalCapacity { get; }

        public void Dispose() => _flow.Dispose();

        public bool Feasible(long[] demands)
        {
            for (var p = 0; p < demands.Length; p++)
            {
                _flow.SetArcCapacity(_sourceArcs[p], demands[p]);
            }

            var needed = demands.Sum();
            return needed == 0 || (_flow.Solve(Source, Sink) == MaxFlow.Status.OPTIMAL && _flow.OptimalFlow() == needed);
        }

        /// <summary>
        /// After an infeasible solve: the cells on the source side of the minimum cut whose capacity is all used.
        /// Adding capacity anywhere else cannot help; adding it there can.
        /// </summary>
        public List<Bottleneck> Bottlenecks()
        {
            var residual = new Dictionary<int, List<int>>();
            foreach (var (tail, head, arc) in _arcs)
            {
                if (_flow.Flow(arc) < _flow.Capacity(arc))
                {
                    Edge(residual, tail, head);
                }

                if (_flow.Flow(arc) > 0)
                {
                    Edge(residual, head, tail);
                }
            }

            var reached = new HashSet<int> { Source };
            var queue = new Queue<int>([Source]);
            while (queue.Count > 0)
            {
                foreach (var next in residual.GetValueOrDefault(queue.Dequeue()) ?? [])
                {
                    if (reached.Add(next))
                    {
                        queue.Enqueue(next);
                    }
                }
            }

            var cells = _cellOfSinkArc
                .Where(c => reached.Contains(CellNode(_timeline, c.Value.Pool, c.Value.Segment)))
                .Select(c => c.Value)
                .OrderBy(c => c.Pool).ThenBy(c => c.Segment)
                .ToList();
            var result = new List<Bottleneck>();
            foreach (var (k, s) in cells)
            {
                var pool = _timeline.Problem.Pools[k].PoolId;
                var span = _timeline.Segments[s];
                var free = _timeline.FreeGpus[k, s];
                var leased = _timeline.Stack(k, s).Total;
                if (result.Count > 0 && result[^1].PoolId == pool && result[^1].Span.End == span.Start && result[^1].FreeGpus == free
                    && result[^1].LeasedGpus == leased)
                {
                    result[^1] = result[^1] with { Span = new Interval(result[^1].Span.Start, span.End) };
                }
                else
                {
                    result.Add(new Bottleneck(pool, span, free, leased));
                }
            }

            return result;
        }

        private static void Edge(Dictionary<int, List<int>> graph, int from, int to)
        {
            if (!graph.TryGetValue(from, out var list))
            {
                graph[from] = list = [];
            }

            list.Add(to);
        }

        private int Add(int tail, int head, long capacity)
        {
            var arc = _flow.AddArcWithCapacity(tail, head, capacity);
            _arcs.Add((tail, head, arc));
            return arc;
        }
    }
}
