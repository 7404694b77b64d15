using System.Globalization;
using Google.OrTools.Sat;
using NodaTime;

namespace NationalAiEval.Core.Planning;

/// <summary>
/// Plans a manager can run (api-docs/DEFINITIONS.md#planner): whole GPUs (or nodes) per participation, pool and plan
/// step, chosen by CP-SAT in five rounds, each keeping what the rounds before it reached:
/// 1. every participation gets what it still needs for the target (or, when whole steps cannot give it, the largest
///    equal amount), at most one unit over one block more;
/// 2. the least idle won, priced as the waste report prices it (<see cref="IdleCurve"/>);
/// 3. the fewest starts on a pool the participation was not on the step before (at the start: what it runs now), and
///    among those, the longest stays on the pools it runs on now;
/// 4. the fewest changes of a participation's GPUs on a pool from one step to the next (stopping is not a change: a
///    team that has what it needs stops, rather than trickling on with a GPU or two to its window's end);
/// 5. the steadiest: the lowest peak of each participation's GPUs, then GPUs as early as possible.
/// Allocations change only on step boundaries; a participation goes only on pools it may use (window, eligibility,
/// exclusions, scheduler accounts). Blocks of several steps can give more than a participation needs: its latest
/// allocations are then cut back by whole steps.
/// </summary>
internal static class PracticalPlanner
{
    /// <summary>Participation x pool x step variables above which only the coarse plan is made.</summary>
    public const int MaximumStepVariables = 20_000;

    /// <summary>
    /// Above this many step variables the step plan is tried only when the coarse one leaves teams short: measured on the
    /// demo and the benchmark's programme-size stage, CP-SAT does not prove the step plan's moves and changes there
    /// within its rounds, so it would be discarded anyway.
    /// </summary>
    public const int StepVariablesToRefine = 2_000;

    public sealed record Result(List<PlannedAllocation> Allocations, long ShortMilliEghSeconds, bool ProvenOptimal);

    /// <summary>
    /// The plan: first coarse, each block a run of steps where nothing the plan depends on changes (small enough for the
    /// solver to prove, and steady by construction); then, when the problem is small enough, step by step, started from
    /// the coarse plan, so that idle won can fall further (the coarse plan cuts teams back at their last allocations,
    /// wherever those are, and cannot burst on dear lines). The step plan is
    /// kept when the solver proved it; otherwise the coarse plan, marked not proven.
    /// </summary>
    public static Result Plan(PlanningTimeline timeline, Instant[] steps, long[] needs, TimeSpan roundLimit)
    {
        ArgumentNullException.ThrowIfNull(timeline);
        var coarseBlocks = Blocks(timeline, steps, coarse: true, everyChange: true);
        if (coarseBlocks.Sum(b => (long)b.Teams.Length) > MaximumStepVariables)
        {
            // Capacity changing somewhere every day: each pool's blocks then run between its own changes only.
            coarseBlocks = Blocks(timeline, steps, coarse: true, everyChange: false);
        }

        var stepBlocks = Blocks(timeline, steps, coarse: false, everyChange: false);
        var coarse = Plan(timeline, steps, needs, roundLimit, coarseBlocks, null);
        var stepVariables = stepBlocks.Sum(b => (long)b.Teams.Length);
        if (stepVariables > (coarse.ShortMilliEghSeconds > 0 ? MaximumStepVariables : StepVariablesToRefine))
        {
            return coarse with { ProvenOptimal = false };
        }

        // The step-by-step plan is taken when it gives teams more, or when the solver proved each of its rounds and it
        // ranks at least as well: a step plan cut short by the time limit can leave less idle by a few won yet move GPUs
        // every other day.
        var fine = Plan(timeline, steps, needs, roundLimit, stepBlocks, coarse.Allocations);
        return fine.ShortMilliEghSeconds < coarse.ShortMilliEghSeconds || (fine.ProvenOptimal && Rank(timeline, fine).CompareTo(Rank(timeline, coarse)) <= 0)
            ? fine
            : coarse with { ProvenOptimal = false };
    }

    /// <summary>A plan's standing by its aims, in order: shortfall, idle won, moves, GPU changes (lower is better).</summary>
    private static (long Short, long IdleKrw, int Moves, int Changes) Rank(PlanningTimeline timeline, Result result) =>
        (result.ShortMilliEghSeconds, EqualSharePlanner.Unallocated(timeline, result.Allocations).Sum(u => u.Krw),
            PlanMoves.Of(timeline.Problem, result.Allocations).Count, PlanMoves.Changes(timeline.Problem, result.Allocations));

    /// <summary>
    /// Plans over the blocks, from the timeline (cut at every step boundary in <paramref name="steps"/>, which starts at the
    /// planning start and ends at the horizon). <paramref name="needs"/> is what each participation still needs, in
    /// milli-EGH-seconds; <paramref name="hint"/> a plan to start from.
    /// </summary>
    private static Result Plan(
        PlanningTimeline timeline, Instant[] steps, long[] needs, TimeSpan roundLimit, List<Block> blocks, List<PlannedAllocation>? hint)
    {
        var problem = timeline.Problem;
        var model = new CpModel();
        var teams = problem.Participations.Count;
        var x = new Dictionary<(int Team, int Block), IntVar>();
        foreach (var (block, b) in blocks.Select((block, b) => (block, b)))
        {
            foreach (var p in block.Teams)
            {
                x[(p, b)] = model.NewIntVar(0, block.FreeUnits, string.Create(CultureInfo.InvariantCulture, $"x{p}_{b}"));
            }

            model.Add(LinearExpr.Sum(block.Teams.Select(p => x[(p, b)])) <= block.FreeUnits);
        }

        foreach (var ((p, b), units) in x.Where(_ => hint is not null))
        {
            var block = blocks[b];
            var id = problem.Participations[p].ParticipationId;
            var gpus = hint!.Where(a => a.ParticipationId == id && a.PoolId == problem.Pools[block.Pool].PoolId && a.Span.Contains(block.Start)).Sum(a => a.Gpus);
            model.AddHint(units, gpus / block.Unit);
        }

        // Round 1: what every participation still needs, equally short when it cannot all be given.
        var given = new LinearExpr[teams];
        var shorts = new IntVar[teams];
        var largest = needs.DefaultIfEmpty(0).Max();
        var maxShort = model.NewIntVar(0, largest, "maxShort");
        var caps = new long[teams];
        for (var p = 0; p < teams; p++)
        {
            var own = x.Where(v => v.Key.Team == p).ToList();
            given[p] = LinearExpr.WeightedSum(own.Select(v => v.Value), own.Select(v => blocks[v.Key.Block].ValuePerUnit));
            caps[p] = own.Select(v => blocks[v.Key.Block].ValuePerUnit).DefaultIfEmpty(1).Max();
            shorts[p] = model.NewIntVar(0, needs[p], string.Create(CultureInfo.InvariantCulture, $"short{p}"));
            model.Add(given[p] + shorts[p] >= needs[p]);
            model.Add(given[p] <= needs[p] + caps[p] - 1);
            model.Add(shorts[p] <= maxShort);
        }

        using var solver = new Solver(model, roundLimit);
        model.Minimize(maxShort);
        if (!solver.Solve() && !solver.Solve(roundLimit * 5))
        {
            throw new InvalidOperationException($"The planner found no plan, not even an empty one (CP-SAT: {solver.Status}).");
        }

        var shortBy = solver.Value(maxShort);
        model.Add(maxShort == shortBy);
        for (var p = 0; p < teams; p++)
        {
            // Equal: nobody gets more than one unit over one block beyond the others.
            model.Add(given[p] <= Math.Max(0, needs[p] - shortBy) + caps[p] - 1);
        }

        // Round 2: the least idle won (the most saved against leaving everything idle).
        var saved = new List<LinearExpr>();
        foreach (var (block, b) in blocks.Select((block, b) => (block, b)))
        {
            var allocated = LinearExpr.Sum(block.Teams.Select(p => x[(p, b)]));
            saved.Add(Pieces(model, IdleCurve.Of(timeline, block.Pool, block.Segments, block.FreeUnits), allocated));
        }

        var savedWon = LinearExpr.Sum(saved);
        solver.Next(() => model.Maximize(savedWon), won => model.Add(savedWon >= won));

        // Round 3: the fewest starts on pools. Round 4: the fewest changes of GPUs on a pool.
        var on = x.ToDictionary(v => v.Key, v =>
        {
            var used = model.NewBoolVar(string.Empty);
            model.Add(v.Value == 0).OnlyEnforceIf(used.Not());
            return used;
        });
        var starts = new List<BoolVar>();
        var changes = new List<BoolVar>();
        foreach (var ((p, b), units) in x)
        {
            var block = blocks[b];
            var start = model.NewBoolVar(string.Empty);
            var change = model.NewBoolVar(string.Empty);
            starts.Add(start);
            changes.Add(change);
            if (block.Previous is { } previous && x.TryGetValue((p, previous), out var earlier))
            {
                model.Add(start >= on[(p, b)] - on[(p, previous)]);
                model.Add(units == earlier).OnlyEnforceIf([change.Not(), on[(p, b)]]);
            }
            else
            {
                // The block opens the pool to the participation: at the planning start, it runs there now or not.
                var running = block.Start == problem.From ? problem.Participations[p].RunningOn(problem.Pools[block.Pool].PoolId) / block.Unit : 0;
                model.Add(start >= on[(p, b)] - (running > 0 ? 1 : 0));
                model.Add(units == running).OnlyEnforceIf([change.Not(), on[(p, b)]]);
            }
        }

        // Among as few starts, the longest stays on the pools teams run on now: a team leaves its pool when it must, not
        // at once for an equal one elsewhere.
        var stays = new Dictionary<(int Team, int Block), BoolVar>();
        foreach (var ((p, b), _) in x.OrderBy(v => blocks[v.Key.Block].Start))
        {
            var block = blocks[b];
            BoolVar? before = null;
            if (block.Start != problem.From && !(block.Previous is { } previous && stays.TryGetValue((p, previous), out before)))
            {
                continue;
            }

            if (block.Start == problem.From && problem.Participations[p].RunningOn(problem.Pools[block.Pool].PoolId) == 0)
            {
                continue;
            }

            var stay = model.NewBoolVar(string.Empty);
            model.AddImplication(stay, on[(p, b)]);
            if (before is not null)
            {
                model.AddImplication(stay, before);
            }

            stays[(p, b)] = stay;
        }

        var stayHours = stays.Keys.ToDictionary(k => k, k => (long)(blocks[k.Block].End - blocks[k.Block].Start).TotalHours);
        var startsFirst = LinearExpr.Sum(starts) * (stayHours.Values.Sum() + 1);
        var moving = startsFirst - LinearExpr.WeightedSum(stays.Values, stays.Keys.Select(k => stayHours[k]));
        solver.Next(() => model.Minimize(moving), n => model.Add(moving <= n));
        var changeCount = LinearExpr.Sum(changes);
        solver.Next(() => model.Minimize(changeCount), n => model.Add(changeCount <= n));

        // Round 5: among equals, the steadiest: the lowest peak of each team's GPUs (two teams side by side rather than
        // one after the other at twice the GPUs), then GPUs as early as possible (a team moves on at once rather than
        // pausing, and teams that started first use capacity a late team cannot use yet).
        var lateDays = x.ToDictionary(v => v.Key, v => (long)(blocks[v.Key.Block].Start - problem.From).TotalDays);
        var latenessBound = x.Sum(v => lateDays[v.Key] * blocks[v.Key.Block].FreeUnits) + 1;
        var peaks = new List<IntVar>();
        foreach (var team in x.GroupBy(v => v.Key.Team))
        {
            var peak = model.NewIntVar(0, team.Sum(v => blocks[v.Key.Block].FreeUnits * blocks[v.Key.Block].Unit), string.Empty);
            peaks.Add(peak);
            var byStep = team.SelectMany(v => Enumerable.Range(Array.IndexOf(steps, blocks[v.Key.Block].Start), StepsIn(steps, blocks[v.Key.Block])).Select(j => (j, v.Value, blocks[v.Key.Block].Unit)))
                .GroupBy(t => t.j);
            foreach (var step in byStep)
            {
                model.Add(peak >= LinearExpr.WeightedSum(step.Select(t => t.Value), step.Select(t => t.Unit)));
            }
        }

        var steadiness = (LinearExpr.Sum(peaks) * latenessBound) + LinearExpr.WeightedSum(x.Values, x.Keys.Select(k => lateDays[k]));
        solver.Next(() => model.Minimize(steadiness), _ => { }, tieBreak: true);

        var allocations = Allocations(problem, blocks, x.ToDictionary(v => v.Key, v => solver.Value(v.Value)));
        allocations = CutBack(problem, steps, allocations, needs.Select(n => Math.Max(0, n - shortBy)).ToArray());
        return new Result(allocations, shortBy, solver.AllOptimal);
    }

    private static int StepsIn(Instant[] steps, Block block) => Array.IndexOf(steps, block.End) - Array.IndexOf(steps, block.Start);

    /// <summary>The saving of a block's idle curve at <paramref name="allocated"/> units: pieces filled in order.</summary>
    private static LinearExpr Pieces(CpModel model, IdleCurve curve, LinearExpr allocated)
    {
        var filled = curve.Widths.Select(w => model.NewIntVar(0, w, string.Empty)).ToArray();
        model.Add(LinearExpr.Sum(filled) == allocated);
        for (var i = 1; i < filled.Length; i++)
        {
            // A piece is used only when the one below it is full: the cheapest idle line is saved first.
            var reached = model.NewBoolVar(string.Empty);
            model.Add(filled[i] <= curve.Widths[i] * reached);
            model.Add(filled[i - 1] >= curve.Widths[i - 1] * reached);
        }

        return LinearExpr.WeightedSum(filled, curve.WonPerUnit);
    }

    /// <summary>One allocation per run of unchanged units of a participation on a pool over consecutive blocks.</summary>
    private static List<PlannedAllocation> Allocations(PlanningProblem problem, List<Block> blocks, Dictionary<(int Team, int Block), long> units)
    {
        var result = new List<PlannedAllocation>();
        foreach (var group in units.Where(u => u.Value > 0).GroupBy(u => (u.Key.Team, blocks[u.Key.Block].Pool)))
        {
            PlannedAllocation? open = null;
            foreach (var (key, value) in group.OrderBy(u => blocks[u.Key.Block].Start))
            {
                var block = blocks[key.Block];
                var gpus = value * block.Unit;
                if (open is not null && open.Gpus == gpus && open.Span.End == block.Start)
                {
                    open = open with { Span = new Interval(open.Span.Start, block.End) };
                    continue;
                }

                if (open is not null)
                {
                    result.Add(open);
                }

                open = new PlannedAllocation(problem.Participations[key.Team].ParticipationId, problem.Pools[block.Pool].PoolId, gpus, new Interval(block.Start, block.End));
            }

            result.Add(open!);
        }

        return result;
    }

    /// <summary>
    /// Cuts each participation's latest allocations back by whole steps while it keeps what it needs: blocks longer
    /// than a step can give more than that, which the plan would otherwise take from the others' equality.
    /// </summary>
    private static List<PlannedAllocation> CutBack(PlanningProblem problem, Instant[] steps, List<PlannedAllocation> allocations, long[] needs)
    {
        var pools = problem.Pools.ToDictionary(p => p.PoolId);
        var result = new List<PlannedAllocation>();
        for (var p = 0; p < problem.Participations.Count; p++)
        {
            var id = problem.Participations[p].ParticipationId;
            var own = allocations.Where(a => a.ParticipationId == id).ToList();
            var over = own.Sum(problem.EquivalentOf) - needs[p];
            while (over > 0 && own.Count > 0)
            {
                var a = own.MaxBy(x => x.Span.End)!;
                var lastStep = steps.Where(s => s > a.Span.Start && s < a.Span.End).DefaultIfEmpty(a.Span.Start).Max();
                var tail = a with { Span = new Interval(lastStep, a.Span.End) };
                own.Remove(a);
                if (problem.EquivalentOf(tail) <= over)
                {
                    // The whole last step goes.
                    over -= problem.EquivalentOf(tail);
                    if (lastStep > a.Span.Start)
                    {
                        own.Add(a with { Span = new Interval(a.Span.Start, lastStep) });
                    }

                    continue;
                }

                // Fewer units in the last step, as many as the excess allows; then less than one unit-step is over.
                var unit = problem.UnitOf(pools[a.PoolId]);
                var fewer = over / problem.EquivalentOf(tail with { Gpus = unit });
                over -= fewer * problem.EquivalentOf(tail with { Gpus = unit });
                result.AddRange(new[] { a with { Span = new Interval(a.Span.Start, lastStep) }, tail with { Gpus = tail.Gpus - (fewer * unit) } }
                    .Where(x => x.Gpus > 0 && x.Span.End > x.Span.Start));
                break;
            }

            result.AddRange(own);
        }

        return [.. result.OrderBy(a => a.Span.Start).ThenBy(a => a.PoolId).ThenBy(a => a.ParticipationId)];
    }

    /// <summary>
    /// A pool's steps as blocks: one step each, or (<paramref name="coarse"/>) runs of consecutive steps between two
    /// instants where anything changes (leases, locked allocations, windows, eligibility, weights): on any pool when
    /// <paramref name="everyChange"/>, else on this pool (its free units, who may use it, its lease lines). Blocks with
    /// nothing free or nobody allowed are left out.
    /// </summary>
    private static List<Block> Blocks(PlanningTimeline timeline, Instant[] steps, bool coarse, bool everyChange)
    {
        var problem = timeline.Problem;
        var stepOf = new int[timeline.Segments.Length];
        for (var s = 0; s < stepOf.Length; s++)
        {
            var found = Array.BinarySearch(steps, timeline.Segments[s].Start);
            stepOf[s] = found >= 0 ? found : ~found - 1;
        }

        // Where anything the plan depends on changes (on any pool, in any window): coarse blocks never straddle one.
        var changes = PlanningTimeline.Build(problem).Segments.Select(s => s.Start).ToArray();
        var bySteps = new List<(int Pool, int Step, long Free, int[] Teams, long Value, int[] Segments, string Within)>();
        for (var k = 0; k < problem.Pools.Count; k++)
        {
            var pool = problem.Pools[k];
            var unit = problem.UnitOf(pool);
            foreach (var step in Enumerable.Range(0, stepOf.Length).GroupBy(s => stepOf[s]))
            {
                var segments = step.ToArray();
                var free = segments.Min(s => timeline.FreeGpus[k, s]) / unit;
                var teams = Enumerable.Range(0, problem.Participations.Count)
                    .Where(p => problem.Participations[p].MayRunOn(pool.PoolId) && segments.All(s => timeline.Allows(problem.Participations[p], k, s)))
                    .ToArray();
                var value = segments.Sum(s => checked(unit * timeline.Seconds(s) * timeline.PerMille[k, s]));
                var within = everyChange
                    ? string.Join(',', segments.Select(s => Array.BinarySearch(changes, timeline.Segments[s].Start) is var i && i >= 0 ? i : ~i - 1).Distinct())
                    : string.Join(';', segments.Select(s => string.Join(',', pool.Leases.Select((l, i) => (l, i))
                        .Where(x => x.l.Span.Contains(timeline.Segments[s].Start)).Select(x => x.i))).Distinct());
                bySteps.Add((k, step.Key, free, teams, value, segments, within));
            }
        }

        var blocks = new List<Block>();
        foreach (var pool in bySteps.GroupBy(s => s.Pool))
        {
            int? previous = null;
            var run = new List<(int Pool, int Step, long Free, int[] Teams, long Value, int[] Segments, string Within)>();
            void Close()
            {
                if (run.Count == 0)
                {
                    return;
                }

                var first = run[0];
                if (first.Free > 0 && first.Teams.Length > 0)
                {
                    var segments = run.SelectMany(r => r.Segments).ToArray();
                    var start = timeline.Segments[segments[0]].Start;
                    previous = previous is { } p && blocks[p].End == start ? previous : null;
                    blocks.Add(new Block(first.Pool, start, timeline.Segments[segments[^1]].End, first.Free, first.Teams, run.Sum(r => r.Value),
                        problem.UnitOf(problem.Pools[first.Pool]), segments, previous));
                    previous = blocks.Count - 1;
                }
                else
                {
                    previous = null;
                }

                run.Clear();
            }

            foreach (var step in pool.OrderBy(s => s.Step))
            {
                if (run.Count > 0 && (!coarse || run[0].Free != step.Free || !run[0].Teams.SequenceEqual(step.Teams) || run[0].Within != step.Within))
                {
                    Close();
                }

                run.Add(step);
            }

            Close();
        }

        return blocks;
    }

    /// <summary>
    /// A pool over consecutive steps: its free units, who may use them, what one unit is worth to a participation
    /// (milli-EGH-seconds), the timeline's segments it spans, and the block just before it on the same pool when they touch.
    /// </summary>
    private sealed record Block(
        int Pool, Instant Start, Instant End, long FreeUnits, int[] Teams, long ValuePerUnit, long Unit, int[] Segments, int? Previous);

    /// <summary>CP-SAT solved round after round, each starting from the last round's answer and bounded by it.</summary>
    private sealed class Solver(CpModel model, TimeSpan roundLimit) : IDisposable
    {
        /// <summary>A tie-break round gets a quarter of a round's time: it orders plans that are equal on every aim.</summary>
        private static readonly double TieBreakShare = 0.25;

        // Eight workers even on two cores: CP-SAT's portfolio then includes the lower-bound searches that prove the
        // change counts optimal, which two workers do not.
        private readonly CpSolver _solver = new() { StringParameters = Parameters(roundLimit.TotalSeconds) };

        private long[] _answer = [];
        private bool _stopped;

        public bool AllOptimal { get; private set; } = true;

        public CpSolverStatus Status { get; private set; }

        public void Dispose() => _solver.Dispose();

        private static string Parameters(double seconds) =>
            string.Create(CultureInfo.InvariantCulture, $"max_time_in_seconds:{seconds} num_workers:8");

        /// <summary>Solves once more with a longer limit: for a first round whose presolve alone outlasts a round (very large stages).</summary>
        public bool Solve(TimeSpan limit)
        {
            _solver.StringParameters = Parameters(limit.TotalSeconds);
            var solved = Solve();
            _solver.StringParameters = Parameters(roundLimit.TotalSeconds);
            return solved;
        }

        public bool Solve()
        {
            var status = Status = _solver.Solve(model);
            AllOptimal &= status == CpSolverStatus.Optimal;
            if (status is not (CpSolverStatus.Optimal or CpSolverStatus.Feasible))
            {
                return false;
            }

            _answer = [.. _solver.Response!.Solution];
            return true;
        }

        /// <summary>The variable's value in the last answer found.</summary>
        public long Value(IntVar variable) => _answer[variable.GetIndex()];

        /// <summary>
        /// The next round: its objective, solved from the last answer; <paramref name="keep"/> then bounds it. Out of time:
        /// the last answer stands. A <paramref name="tieBreak"/> round need not be proven for the plan to be.
        /// </summary>
        public void Next(Action objective, Action<long> keep, bool tieBreak = false)
        {
            if (_stopped)
            {
                return;
            }

            model.ClearHints();
            objective();
            var hint = new PartialVariableAssignment();
            for (var i = 0; i < _answer.Length; i++)
            {
                hint.Vars.Add(i);
                hint.Values.Add(_answer[i]);
            }

            model.Model.SolutionHint = hint;
            var proven = AllOptimal;
            _solver.StringParameters = Parameters(roundLimit.TotalSeconds * (tieBreak ? TieBreakShare : 1));
            if (!Solve())
            {
                _stopped = true;
                AllOptimal = tieBreak && proven;
                return;
            }

            AllOptimal = tieBreak ? proven : AllOptimal;

            keep((long)Math.Round(_solver.ObjectiveValue));
        }
    }
}
