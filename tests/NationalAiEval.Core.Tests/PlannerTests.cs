using FsCheck;
using FsCheck.Fluent;
using NationalAiEval.Core.Capacity;
using NationalAiEval.Core.Planning;
using NationalAiEval.Core.Units;
using NationalAiEval.Core.Weights;
using NodaTime;
using Interval = NodaTime.Interval;

namespace NationalAiEval.Core.Tests;

public sealed class PlannerTests
{
    private static readonly Instant T0 = Instant.FromUtc(2026, 1, 1, 0, 0);
    private static readonly WeightSchedule Weights = new(DefaultWeights.PerMille.Select(w => new WeightVersion(w.Key, new LocalDate(2020, 1, 1), Instant.FromUtc(2020, 1, 1, 0, 0), w.Value)));

    private static Instant Day(int d) => T0 + Duration.FromDays(d);

    private static Interval Days(int from, int to) => new(Day(from), Day(to));

    private static long Egh(long hours) => GpuTime.MilliEghSecondsFromEgh(hours);

    private static PlanPool Pool(long id, string model, long gpus, int from, int to, long price = 8000, long perNode = 8) =>
        new(id, $"pool-{id}", model, perNode, [new LeaseLine(gpus, Days(from, to), price)], [], new NewLeaseTerms(price, Period.FromDays(1)));

    private static PlanParticipation Team(long id, int from, int to, int? eligible = null, params long[] excluded) =>
        new(id, $"team-{id}", Days(from, to), eligible is { } e ? Day(e) : null, excluded.ToHashSet(), 0);

    [Fact]
    public void ABottleneck_SaysWhetherThePoolIsFull_OrLeasesNothingThen()
    {
        // The only lease ends on day 50; the team's window runs to day 100.
        var problem = new PlanningProblem(T0, Egh(24 * 600), [Pool(1, "B200", 8, 0, 50)], [Team(1, 0, 100)], Weights);

        var share = EqualSharePlanner.Analyse(problem);

        Assert.Equal([new Bottleneck(1, Days(0, 50), 8, 8), new Bottleneck(1, Days(50, 100), 0, 0)], share.Bottlenecks);
        Assert.Equal([true, false], share.Bottlenecks.Select(b => b.Full));
    }

    [Fact]
    public void TwoTeamsOnOnePool_EachGetsHalf_Exactly()
    {
        var problem = new PlanningProblem(T0, Egh(8 * 24 * 50), [Pool(1, "B200", 8, 0, 100)], [Team(1, 0, 100), Team(2, 0, 100)], Weights);

        var plan = EqualSharePlanner.Plan(problem);

        Assert.True(plan.Capacity.Feasible);
        Assert.Equal(Egh(8 * 24 * 50), plan.Capacity.MaxEqualShareMilliEghSeconds);
        Assert.All(plan.Shares, s => Assert.InRange(s.TotalMilliEghSeconds, Egh(8 * 24 * 50) - Egh(1), Egh(8 * 24 * 50)));
        Assert.Equal(0, Assert.Single(plan.Unallocated).GpuSeconds);
    }

    [Fact]
    public void ALateTeam_GetsTheSame_AndTheEarlyTeamUsesWhatTheLateOneCannotYet()
    {
        // 10 GPUs for 200 days; A's window is days 0-150, B (late) days 50-200: each is owed 1,000 GPU-days.
        var problem = new PlanningProblem(T0, Egh(10 * 24 * 100), [Pool(1, "B200", 10, 0, 200)], [Team(1, 0, 150), Team(2, 50, 200)], Weights);

        var plan = EqualSharePlanner.Plan(problem);

        Assert.True(plan.Capacity.Feasible);
        var early = plan.Allocations.Where(a => a.ParticipationId == 1).ToList();
        Assert.Contains(early, a => a.Span.Start == Day(0) && a.Gpus == 10);
        Assert.All(plan.Allocations.Where(a => a.ParticipationId == 2), a => Assert.True(a.Span.Start >= Day(50)));
        Assert.All(plan.Shares, s => Assert.InRange(s.TotalMilliEghSeconds, Egh(24_000) - Egh(1), Egh(24_000)));
    }

    [Fact]
    public void AnH100Hour_IsHalfAB200Hour()
    {
        var problem = new PlanningProblem(T0, Egh(8 * 24 * 100), [Pool(1, "H100", 16, 0, 100)], [Team(1, 0, 100)], Weights);

        var plan = EqualSharePlanner.Plan(problem);

        Assert.True(plan.Capacity.Feasible);
        Assert.Equal(16 * 100L * 86400, plan.Allocations.Sum(a => a.Gpus * (long)(a.Span.End - a.Span.Start).TotalSeconds));
    }

    [Fact]
    public void ShortOfCapacity_TheCertificateNamesTheBottleneck_AndTheLeaseThatClosesIt()
    {
        // 8 GPUs for 100 days (800 GPU-days) cannot give two teams 600 GPU-days each: 400 GPU-days are missing.
        var problem = new PlanningProblem(T0, Egh(24 * 600), [Pool(1, "B200", 8, 0, 100, price: 7000)], [Team(1, 0, 100), Team(2, 0, 100)], Weights);

        var share = EqualSharePlanner.Analyse(problem);

        Assert.False(share.Feasible);
        Assert.Equal(Egh(24 * 400), share.MaxEqualShareMilliEghSeconds);
        Assert.Equal(new Bottleneck(1, Days(0, 100), 8, 8), Assert.Single(share.Bottlenecks));
        // 400 GPU-days in any shape the teams' windows allow (4 GPUs for 100 days, or 8 for 50) cost the same.
        Assert.Equal(400L * 86400, share.ExtraLeases.Sum(l => l.GpuSeconds));
        Assert.Equal(400L * 24 * 7000, share.ExtraLeases.Sum(l => l.Krw));
    }

    [Fact]
    public void ATeamEligibleOnlyAfterEveryLeaseEnds_IsShort_AndTheCertificateLeasesInItsWindow()
    {
        var problem = new PlanningProblem(T0, Egh(24 * 100), [Pool(1, "B200", 8, 0, 50)], [Team(1, 0, 100, eligible: 60)], Weights);

        var share = EqualSharePlanner.Analyse(problem);

        Assert.Equal(0, share.MaxEqualShareMilliEghSeconds);
        Assert.All(share.ExtraLeases, l => Assert.True(l.Span.Start >= Day(60) && l.Span.End <= Day(100)));
        // 100 GPU-days in 40 days is 2.5 GPUs; lines of whole GPUs over whole days give exactly 100 GPU-days.
        Assert.Equal(100L * 86400, share.ExtraLeases.Sum(l => l.GpuSeconds));
    }

    [Fact]
    public void WholeNodes_AllocatesMultiplesOfTheNodeSize()
    {
        var problem = new PlanningProblem(T0, Egh(24 * 333), [Pool(1, "B200", 64, 0, 30)], [Team(1, 0, 30), Team(2, 0, 30), Team(3, 0, 30)], Weights, WholeNodes: true);

        var plan = EqualSharePlanner.Plan(problem);

        Assert.NotEmpty(plan.Allocations);
        Assert.All(plan.Allocations, a => Assert.Equal(0, a.Gpus % 8));
        // 333 GPU-days in whole nodes over whole days: the next multiple of a node-day, 336, for each.
        Assert.All(plan.Shares, s => Assert.Equal(Egh(24 * 336), s.TotalMilliEghSeconds));
    }

    [Fact]
    public void LockedAllocations_TakeCapacity_AndPastOnesCountAsReceived()
    {
        var pool = Pool(1, "B200", 8, 0, 100) with { Locked = [new AllocationSpan(4, Days(10, 100))] };
        var team = Team(1, 0, 100) with { ReceivedMilliEghSeconds = Egh(8 * 24 * 10) };
        var problem = new PlanningProblem(Day(10), Egh(8 * 24 * 10) + Egh(4 * 24 * 90), [pool], [team], Weights);

        var plan = EqualSharePlanner.Plan(problem);

        Assert.True(plan.Capacity.Feasible);
        Assert.All(plan.Allocations, a => Assert.Equal(4, a.Gpus));
    }

    /// <summary>Random leases, windows, joins, eligibility and exclusions: every plan must hold to all the rules.</summary>
    [FsCheck.Xunit.Property(MaxTest = 80)]
    public Property EveryPlan_RespectsCapacityWindowsAndEquality() =>
        Prop.ForAll(Problems(), problem =>
        {
            var plan = EqualSharePlanner.Plan(problem);
            var reachable = Math.Min(problem.EntitlementMilliEghSeconds, plan.Capacity.MaxEqualShareMilliEghSeconds);
            var unitDay = Egh((problem.WholeNodes ? 8 : 1) * 24);
            return CapacityHolds(problem, plan).Label("capacity")
                .And(RulesHold(problem, plan).Label("windows, eligibility, exclusions"))
                .And(plan.Allocations.All(a => OnADay(problem, a.Span.Start) && OnADay(problem, a.Span.End)).Label("changes on day boundaries"))
                .And(plan.Shares.All(s => s.TotalMilliEghSeconds >= plan.TargetMilliEghSeconds && s.TotalMilliEghSeconds < plan.TargetMilliEghSeconds + unitDay)
                    .Label($"every share at the target {plan.TargetMilliEghSeconds} and less than a unit-day over: {string.Join(", ", plan.Shares.Select(s => s.TotalMilliEghSeconds))}"))
                .And((plan.TargetMilliEghSeconds <= reachable && plan.TargetMilliEghSeconds > reachable - (unitDay * problem.Participations.Count))
                    .Label($"target {plan.TargetMilliEghSeconds} within whole unit-days of the reachable {reachable}"))
                .And((!problem.WholeNodes || plan.Allocations.All(a => a.Gpus % problem.Pools.Single(p => p.PoolId == a.PoolId).GpusPerNode == 0)).Label("whole nodes"));
        });

    private static bool OnADay(PlanningProblem problem, Instant at) => at == problem.From || (at - T0).BclCompatibleTicks % Duration.FromDays(1).BclCompatibleTicks == 0;

    /// <summary>When the share is short, the certificate names bottlenecks, and leasing what it says makes the entitlement reachable.</summary>
    [FsCheck.Xunit.Property(MaxTest = 200)]
    public Property TheCertificatesLease_WhenAdded_MakesTheEntitlementReachable() =>
        Prop.ForAll(Problems(), problem =>
        {
            var share = EqualSharePlanner.Analyse(problem);
            if (share.Feasible || share.ParticipationsWithoutCapacity.Count > 0)
            {
                return true;
            }

            var extended = problem.WithExtraLeases(share.ExtraLeases);
            return share.Bottlenecks.Count > 0 && EqualSharePlanner.Analyse(extended).Feasible;
        });

    /// <summary>
    /// The plan's unallocated won is what the waste report's hourly facts would say were its allocations the facts: the
    /// same hours broken down by the report's own <c>IdleHours.Compute</c>, with lease lines that start and end inside
    /// hours at other prices, summed and rounded once per pool.
    /// </summary>
    [FsCheck.Xunit.Property(MaxTest = 50)]
    public Property ThePlansIdleWon_EqualsTheWasteReportsForTheSameAllocations() =>
        Prop.ForAll(Problems(), Gen.Choose(1, 86_399).ToArbitrary(), Gen.Choose(1, 12).ToArbitrary(), (problem, offset, price) =>
        {
            var odd = problem with
            {
                Pools = [.. problem.Pools.Select((p, i) => i > 0 ? p : p with
                {
                    Leases = [.. p.Leases, new LeaseLine(3, new Interval(Day(2) + Duration.FromSeconds(offset), Day(9) + Duration.FromSeconds(offset / 2)), price * 1000L)],
                })],
            };
            var plan = EqualSharePlanner.Plan(odd);
            return odd.Pools.All(pool =>
            {
                var from = odd.From.ToUnixTimeSeconds();
                var to = odd.Pools.SelectMany(p => p.Leases).Select(l => l.Span.End).Concat(odd.Participations.Select(p => p.Window.End)).Max().ToUnixTimeSeconds();
                var leases = pool.Leases.Select(l => new Idle.PricedLease(l.Gpus, Math.Max(from, l.Span.Start.ToUnixTimeSeconds()), l.Span.End.ToUnixTimeSeconds(), l.KrwPerGpuHour))
                    .Where(l => l.EndUnix > l.StartUnix).ToList();
                var held = pool.Locked.Select(a => (a.Gpus, a.Span)).Concat(plan.Allocations.Where(a => a.PoolId == pool.PoolId).Select(a => (a.Gpus, a.Span)))
                    .Select((a, i) => new Idle.TeamAllocation(i, a.Gpus, a.Span.Start.ToUnixTimeSeconds(), a.Span.End.ToUnixTimeSeconds())).ToList();
                var hours = Idle.IdleHours.Compute(from, to, leases, held, new Dictionary<(long, long), long>(), new Dictionary<long, long>(),
                    new Dictionary<(long, long), Idle.HourReadings>()).ToList();
                var report = Pricing.LeasePricing.Krw(hours.Aggregate(Int128.Zero, (sum, h) => sum + h.Breakdown.UnallocatedKrwNumerator));
                var planned = plan.Unallocated.Single(u => u.PoolId == pool.PoolId);
                return planned.Krw == report && planned.GpuSeconds == hours.Sum(h => h.Breakdown.Unallocated);
            });
        });

    /// <summary>The max equal share equals an independent computation: Edmonds-Karp max-flow and bisection, written here.</summary>
    [FsCheck.Xunit.Property(MaxTest = 150)]
    public Property TheMaxEqualShare_EqualsAnIndependentMaxFlowBound() =>
        Prop.ForAll(Problems(), problem =>
            Math.Abs(EqualSharePlanner.Analyse(problem).MaxEqualShareMilliEghSeconds - IndependentMaxShare(problem)) <= 3600);

    private static bool CapacityHolds(PlanningProblem problem, Plan plan) =>
        problem.Pools.All(pool =>
        {
            var used = pool.Locked.Concat(plan.Allocations.Where(a => a.PoolId == pool.PoolId).Select(a => new AllocationSpan(a.Gpus, a.Span)));
            var end = pool.Leases.Select(l => l.Span.End).Concat(plan.Allocations.Select(a => a.Span.End)).DefaultIfEmpty(problem.From).Max();
            return end <= problem.From || CapacityTimeline.Build(pool.Leases, used, new Interval(problem.From, end)).All(s => s.AllocatedGpus <= s.LeasedGpus);
        });

    private static bool RulesHold(PlanningProblem problem, Plan plan) =>
        plan.Allocations.All(a =>
        {
            var p = problem.Participations.Single(x => x.ParticipationId == a.ParticipationId);
            var opens = p.EligibleFrom is { } e && e > p.Window.Start ? e : p.Window.Start;
            return a.Span.Start >= opens && a.Span.Start >= problem.From && a.Span.End <= p.Window.End && !p.ExcludedPoolIds.Contains(a.PoolId) && a.Gpus > 0;
        });

    /// <summary>Bisection over an Edmonds-Karp max-flow on whole days (every instant in these problems is a whole day).</summary>
    private static long IndependentMaxShare(PlanningProblem problem)
    {
        var lastDay = (int)((problem.Pools.SelectMany(p => p.Leases).Select(l => l.Span.End).Concat(problem.Participations.Select(p => p.Window.End)).Max() - T0).TotalDays);
        var firstDay = (int)(problem.From - T0).TotalDays;
        var days = Enumerable.Range(firstDay, Math.Max(0, lastDay - firstDay)).ToList();
        long Cell(PlanPool pool, int day) => Math.Max(0, pool.Leases.Where(l => l.Span.Contains(Day(day))).Sum(l => l.Gpus) - pool.Locked.Where(l => l.Span.Contains(Day(day))).Sum(l => l.Gpus))
            / (problem.WholeNodes ? pool.GpusPerNode : 1) * (problem.WholeNodes ? pool.GpusPerNode : 1) * 86400L * DefaultWeights.PerMille[pool.GpuModel] / 3600;
        bool Allowed(PlanParticipation p, PlanPool pool, int day) =>
            Day(day) >= (p.EligibleFrom is { } e && e > p.Window.Start ? e : p.Window.Start) && Day(day + 1) <= p.Window.End && !p.ExcludedPoolIds.Contains(pool.PoolId);

        long lo = 0, hi = 10_000_000_000;
        while (hi - lo > 1)
        {
            var mid = (lo + hi) / 2;
            var need = problem.Participations.Select(p => Math.Max(0, ((mid * 3600) - p.ReceivedMilliEghSeconds + 3599) / 3600)).ToArray();
            var graph = new EdmondsKarp(2 + problem.Participations.Count + (problem.Pools.Count * days.Count));
            for (var p = 0; p < problem.Participations.Count; p++)
            {
                graph.Add(0, 2 + p, need[p]);
            }

            for (var k = 0; k < problem.Pools.Count; k++)
            {
                for (var d = 0; d < days.Count; d++)
                {
                    var node = 2 + problem.Participations.Count + (k * days.Count) + d;
                    graph.Add(node, 1, Cell(problem.Pools[k], days[d]));
                    for (var p = 0; p < problem.Participations.Count; p++)
                    {
                        if (Allowed(problem.Participations[p], problem.Pools[k], days[d]))
                        {
                            graph.Add(2 + p, node, long.MaxValue / 4);
                        }
                    }
                }
            }

            if (graph.MaxFlow(0, 1) == need.Sum())
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }

        return lo * 3600;
    }

    private static Arbitrary<PlanningProblem> Problems()
    {
        var lease = from start in Gen.Choose(0, 40)
                    from length in Gen.Choose(5, 60)
                    from gpus in Gen.Choose(1, 4).Select(n => n * 8)
                    select (start, length, gpus);
        var pool = from model in Gen.Elements("B200", "H200", "H100")
                   from leases in lease.ListOf().Where(l => l.Count is > 0 and < 4)
                   from price in Gen.Choose(4, 9).Select(p => p * 1000L)
                   from minimumDays in Gen.Choose(1, 30)
                   select (model, leases, price, minimumDays);
        var team = from joinDay in Gen.Choose(0, 30)
                   from length in Gen.Choose(10, 50)
                   from eligibleAfter in Gen.Elements<int?>(null, null, 5, 20)
                   from excluded in Gen.Choose(0, 3)
                   select (joinDay, length, eligibleAfter, excluded);
        return (from pools in pool.ListOf().Where(p => p.Count is > 0 and < 4)
                from teams in team.ListOf().Where(t => t.Count is > 0 and < 5)
                from perTeamGpuDays in Gen.Choose(20, 400)
                from startDay in Gen.Choose(0, 10)
                from wholeNodes in Gen.Elements(false, true)
                select new PlanningProblem(
                    Day(startDay),
                    Egh(perTeamGpuDays * 24L),
                    pools.Select((p, i) => new PlanPool(i + 1, $"p{i + 1}", p.model, 8,
                        p.leases.Select(l => new LeaseLine(l.gpus, Days(l.start, l.start + l.length), p.price)).ToList(), [],
                        new NewLeaseTerms(p.price, Period.FromDays(p.minimumDays)))).ToList(),
                    teams.Select((t, i) => new PlanParticipation(i + 1, $"t{i + 1}", Days(t.joinDay, t.joinDay + t.length),
                        t.eligibleAfter is { } e ? Day(t.joinDay + e) : null, t.excluded == 0 ? new HashSet<long>() : [t.excluded], 0)).ToList(),
                    Weights,
                    wholeNodes))
            .ToArbitrary();
    }

    /// <summary>A textbook Edmonds-Karp max-flow, independent of OR-Tools.</summary>
    private sealed class EdmondsKarp(int nodes)
    {
        private readonly List<(int To, long Capacity, int Reverse)>[] _graph = Enumerable.Range(0, nodes).Select(_ => new List<(int, long, int)>()).ToArray();

        public void Add(int from, int to, long capacity)
        {
            _graph[from].Add((to, capacity, _graph[to].Count));
            _graph[to].Add((from, 0, _graph[from].Count - 1));
        }

        public long MaxFlow(int source, int sink)
        {
            long total = 0;
            while (true)
            {
                var previous = new (int Node, int Edge)[_graph.Length];
                Array.Fill(previous, (-1, -1));
                previous[source] = (source, -1);
                var queue = new Queue<int>([source]);
                while (queue.Count > 0 && previous[sink].Node < 0)
                {
                    var node = queue.Dequeue();
                    for (var e = 0; e < _graph[node].Count; e++)
                    {
                        var (to, capacity, _) = _graph[node][e];
                        if (capacity > 0 && previous[to].Node < 0)
                        {
                            previous[to] = (node, e);
                            queue.Enqueue(to);
                        }
                    }
                }

                if (previous[sink].Node < 0)
                {
                    return total;
                }

                var bottleneck = long.MaxValue;
                for (var v = sink; v != source; v = previous[v].Node)
                {
                    bottleneck = Math.Min(bottleneck, _graph[previous[v].Node][previous[v].Edge].Capacity);
                }

                for (var v = sink; v != source; v = previous[v].Node)
                {
                    var (u, e) = previous[v];
                    var edge = _graph[u][e];
                    _graph[u][e] = edge with { Capacity = edge.Capacity - bottleneck };
                    var back = _graph[v][edge.Reverse];
                    _graph[v][edge.Reverse] = back with { Capacity = back.Capacity + bottleneck };
                }

                total += bottleneck;
            }
        }
    }
}
