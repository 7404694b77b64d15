using NationalAiEval.Core.Capacity;
using NationalAiEval.Core.Pricing;
using NodaTime;

namespace NationalAiEval.Core.Planning;

/// <summary>
/// The planning horizon cut at every instant where anything changes: lease lines and locked allocations start or
/// end, windows open or close, eligibility begins, a weight changes, the planning starts. Within a segment every
/// pool's free GPUs and weight are constant, and every participation either may or may not use every pool.
/// </summary>
internal sealed class PlanningTimeline
{
    private PlanningTimeline(PlanningProblem problem, Interval[] segments)
    {
        Problem = problem;
        Segments = segments;
        var pools = problem.Pools.Count;
        FreeGpus = new long[pools, segments.Length];
        PerMille = new int[pools, segments.Length];
        for (var k = 0; k < pools; k++)
        {
            var pool = problem.Pools[k];
            var unit = problem.UnitOf(pool);
            for (var s = 0; s < segments.Length; s++)
            {
                var free = FreeAt(pool, segments[s].Start);
                FreeGpus[k, s] = free / unit * unit;
                PerMille[k, s] = problem.Weights.PerMilleAt(pool.GpuModel, segments[s].Start) ?? 0;
            }
        }
    }

    public PlanningProblem Problem { get; }

    public Interval[] Segments { get; }

    /// <summary>Leased minus locked GPUs, in whole nodes when asked.</summary>
    public long[,] FreeGpus { get; }

    public int[,] PerMille { get; }

    /// <summary>The timeline, also cut at <paramref name="extraPoints"/> (day boundaries, for new lease lines).</summary>
    public static PlanningTimeline Build(PlanningProblem problem, IEnumerable<Instant>? extraPoints = null)
    {
        ArgumentNullException.ThrowIfNull(problem);
        var end = End(problem);
        var points = new SortedSet<Instant> { problem.From, end };
        foreach (var pool in problem.Pools)
        {
            foreach (var span in pool.Leases.Select(l => l.Span).Concat(pool.Locked.Select(a => a.Span)))
            {
                points.Add(span.Start);
                points.Add(span.End);
            }

            foreach (var version in problem.Weights.VersionsOf(pool.GpuModel))
            {
                points.Add(version);
            }
        }

        foreach (var participation in problem.Participations)
        {
            points.Add(participation.Window.Start);
            points.Add(participation.Window.End);
            if (participation.EligibleFrom is { } eligible)
            {
                points.Add(eligible);
            }
        }

        points.UnionWith(extraPoints ?? []);
        var inside = points.Where(p => p >= problem.From && p <= end).ToArray();
        var segments = inside.Zip(inside.Skip(1), (a, b) => new Interval(a, b)).ToArray();
        return new PlanningTimeline(problem, segments);
    }

    /// <summary>Where planning ends: the last window or lease end after the start.</summary>
    public static Instant End(PlanningProblem problem) =>
        problem.Participations.Select(p => p.Window.End)
            .Concat(problem.Pools.SelectMany(p => p.Leases).Select(l => l.Span.End))
            .Where(i => i > problem.From)
            .DefaultIfEmpty(problem.From)
            .Max();

    public long Seconds(int segment) => (long)(Segments[segment].End - Segments[segment].Start).TotalSeconds;

    /// <summary>Whether the participation may receive GPUs of the pool during the segment.</summary>
    public bool Allows(PlanParticipation participation, int pool, int segment)
    {
        var span = Segments[segment];
        var opens = participation.EligibleFrom is { } eligible && eligible > participation.Window.Start ? eligible : participation.Window.Start;
        return span.Start >= opens && span.End <= participation.Window.End && !participation.ExcludedPoolIds.Contains(Problem.Pools[pool].PoolId)
            && PerMille[pool, segment] > 0;
    }

    /// <summary>What the free GPUs of a pool in a segment are worth, in milli-EGH (1 milli-EGH = 3,600 milli-EGH-seconds).</summary>
    public long CapacityMilliEgh(int pool, int segment) => checked(FreeGpus[pool, segment] * Seconds(segment) * PerMille[pool, segment] / 3600);

    /// <summary>The lease stack of a pool in a segment, in GPUs (api-docs/DEFINITIONS.md#lease-pricing).</summary>
    public LeasePricing Stack(int pool, int segment)
    {
        var at = Segments[segment].Start;
        return LeasePricing.Of(Problem.Pools[pool].Leases.Where(l => l.Span.Contains(at)).Select(l => new PricedCapacity(l.Gpus, l.KrwPerGpuHour)));
    }

    private static long FreeAt(PlanPool pool, Instant at)
    {
        var leased = pool.Leases.Where(l => l.Span.Contains(at)).Sum(l => l.Gpus);
        var locked = pool.Locked.Where(a => a.Span.Contains(at)).Sum(a => a.Gpus);
        return Math.Max(0, leased - locked);
    }
}
