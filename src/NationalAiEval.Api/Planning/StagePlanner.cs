using System.Globalization;
using System.Text.Json;
using NationalAiEval.Api.Allocations;
using NationalAiEval.Api.Audit;
using NationalAiEval.Api.Auth;
using NationalAiEval.Api.Infrastructure.Database;
using NationalAiEval.Api.Infrastructure.Http;
using NationalAiEval.Api.Infrastructure.Programme;
using NationalAiEval.Api.Stages;
using NationalAiEval.Core.Planning;
using NationalAiEval.Core.Units;
using NationalAiEval.Core.Usage;
using NodaTime;
using NodaTime.Text;

namespace NationalAiEval.Api.Planning;

/// <summary>
/// The planner for a stage (api-docs/DEFINITIONS.md#planner): whether the equal promise can be kept, a plan that keeps it, what-ifs,
/// and committing a previewed plan. Plans start at the next whole hour (or a what-if's <c>asOf</c>); what the
/// participations were allocated before that is kept and counted as received.
/// </summary>
public sealed class StagePlanner(Db db, IClock clock, AuditLog audit, AllocationWriter writer, ProgrammeSettings programme)
{
    /// <summary>A preview older than this is refused at commit: plan again.</summary>
    public static readonly Duration PreviewLifetime = Duration.FromDays(1);

    private static readonly Sql InsertPreview = Sql.Portable("""
        INSERT INTO plan_preview (id, stage_id, created_unix, created_by_key, from_unix, fingerprint, hypothetical, whole_nodes, allocations_json, shortfall_json)
        VALUES (@Id, @StageId, @CreatedUnix, @CreatedByKey, @FromUnix, @Fingerprint, @Hypothetical, @WholeNodes, @AllocationsJson, @ShortfallJson)
        """);

    private static readonly Sql PreviewById = Sql.Portable("""
        SELECT id, stage_id, created_unix, from_unix, fingerprint, hypothetical, whole_nodes, allocations_json, committed_unix, shortfall_json
        FROM plan_preview WHERE id = @Id AND stage_id = @StageId
        """);

    private static readonly Sql MarkCommitted = Sql.Portable(
        "UPDATE plan_preview SET committed_unix = @Now, shortfall_reason = @Reason WHERE id = @Id AND committed_unix IS NULL");

    /// <summary>A commit rewrites allocations on any pool: it serialises with every allocator (SQLite's write lock already does).</summary>
    private static readonly Sql LockPools = Sql.LockingRead($"SELECT COUNT(*) FROM pool {Sql.RowLock}");

    public async Task<CapacityAnalysis> CapacityAsync(string stageCode, CancellationToken cancellationToken)
    {
        await using var session = await db.ReadAsync(cancellationToken);
        var inputs = await PlanningInputs.LoadAsync(session, stageCode, cancellationToken);
        var options = new PlanOptions(false, programme.PlanGranularity, false);
        var from = Start(null, options, inputs);
        var (problem, teams, _) = inputs.Problem(from, options, null, programme.MinimumNewLease);
        return Analysis(inputs, problem, teams, EqualSharePlanner.Analyse(problem));
    }

    public async Task<(PlanView View, string ETag)> PreviewAsync(string stageCode, PlanRequest request, Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(caller);
        PlanningInputs inputs;
        await using (var read = await db.ReadAsync(cancellationToken))
        {
            inputs = await PlanningInputs.LoadAsync(read, stageCode, cancellationToken);
        }

        var v = new Validator();
        inputs.Validate(request.WhatIf, v);
        var granularity = v.OptionalPlanGranularity(request.Granularity, "granularity") ?? programme.PlanGranularity;
        v.ThrowIfInvalid();

        var options = new PlanOptions(request.WholeNodes ?? false, granularity, request.AnyPool ?? false);
        var from = Start(request.WhatIf?.AsOf, options, inputs);
        var hypothetical = request.WhatIf is not null;
        var (problem, teams, joined) = inputs.Problem(from, options, request.WhatIf, programme.MinimumNewLease);
        var plan = await Task.Run(() => EqualSharePlanner.Plan(problem), cancellationToken);

        var id = Guid.NewGuid().ToString("N");
        var view = View(id, inputs, problem, teams, joined, plan, hypothetical, options);
        await using var write = await db.WriteAsync(cancellationToken);
        await write.ExecuteAsync(InsertPreview, new
        {
            Id = id,
            StageId = inputs.Stage.Id,
            CreatedUnix = Unix.Seconds(clock.GetCurrentInstant()),
            CreatedByKey = caller.KeyId,
            FromUnix = Unix.Seconds(from),
            inputs.Fingerprint,
            Hypothetical = hypothetical ? 1 : 0,
            WholeNodes = options.WholeNodes ? 1 : 0,
            AllocationsJson = JsonSerializer.Serialize(plan.Allocations.Select(a => new StoredAllocation(
                a.ParticipationId, a.PoolId, a.Gpus, Unix.Seconds(a.Span.Start), Unix.Seconds(a.Span.End)))),
            ShortfallJson = StageShortfalls.Write(Shortfalls(problem, teams, plan)),
        }, cancellationToken);
        await write.CommitAsync(cancellationToken);
        return (view, ETag(inputs.Fingerprint));
    }

    /// <summary>
    /// Replaces the stage's allocations from the plan's start with the previewed ones, atomically: running allocations
    /// of the planned participations are cut at the start, later ones removed, the plan's created, each with an audit
    /// entry. Refused when anything the plan depends on changed since the preview (412).
    /// </summary>
    public async Task<PlanCommitted> CommitAsync(string stageCode, CommitPlanRequest request, IfMatch ifMatch, Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(ifMatch);
        var v = new Validator();
        var planId = v.Text(request.PlanId, "planId", 32);
        var accept = request.AcceptShortfall ?? false;
        var reason = accept ? v.Text(request.Reason, "reason", 400) : v.OptionalText(request.Reason, "reason");
        v.ThrowIfInvalid();

        await using var session = await db.WriteAsync(cancellationToken);
        await session.ExecuteScalarAsync<long>(LockPools, cancellationToken: cancellationToken);
        var inputs = await PlanningInputs.LoadAsync(session, stageCode, cancellationToken);
        var preview = await session.QuerySingleOrDefaultAsync<PreviewRow>(PreviewById, new { Id = planId, StageId = inputs.Stage.Id }, cancellationToken)
            ?? throw Problems.NotFound("plan", planId);
        ETags.RequireMatch(ifMatch, ETag(preview.Fingerprint));
        var now = Unix.Now(clock);
        if (preview.Hypothetical == 1)
        {
            throw Problems.Unprocessable("hypothetical-plan", "A what-if plan cannot be committed.",
                "The plan was made with hypothetical changes; make them real (admit, eliminate, lease) and preview again.", "planId");
        }

        if (preview.CommittedUnix is not null)
        {
            throw Problems.Conflict("plan-committed", "The plan was already committed.", $"Plan {planId} was committed at {Unix.Instant(preview.CommittedUnix.Value)}.");
        }

        if (now - Unix.Instant(preview.CreatedUnix) > PreviewLifetime)
        {
            throw Problems.Conflict("plan-stale", "The preview is too old.", "Previews can be committed for one day; preview again.");
        }

        if (inputs.Fingerprint != preview.Fingerprint)
        {
            throw Problems.PreconditionFailed(ETag(inputs.Fingerprint), "Leases, allocations, participations or weights changed since the preview; preview again.");
        }

        // A plan short of the entitlement for any team is committed only knowingly (api-docs/DEFINITIONS.md#planner).
        var shortfalls = StageShortfalls.Read(preview.ShortfallJson);
        if (shortfalls.Count > 0 && !accept)
        {
            throw Problems.Unprocessable("shortfall-not-accepted", "The plan leaves teams short of the entitlement.",
                $"The plan gives {string.Join(", ", shortfalls.Select(s => $"{s.Team} {s.ShortEquivalentGpuHours.ToString(CultureInfo.InvariantCulture)} equivalent GPU-hours"))} less than the entitlement; lease what the capacity check proposes and preview again, or commit with acceptShortfall: true and a reason.",
                "acceptShortfall", new Dictionary<string, object?> { ["shortfalls"] = shortfalls });
        }

        // Re-planned allocations give way first, then the plan's are written; the writer checks each against what is
        // left, so a plan that no longer fits is refused (409 over-committed) and nothing of it is kept.
        var fromUnix = preview.FromUnix;
        var cause = AllocationWriter.ByPlan(planId);
        var planned = inputs.Participations.Where(p => p.ParsedStatus == Core.Allocations.ParticipationStatus.Active).Select(p => p.Id).ToHashSet();
        int shortened = 0, removed = 0;
        foreach (var allocation in inputs.Allocations.Where(a => planned.Contains(a.ParticipationId) && a.EndUnix > fromUnix))
        {
            if (allocation.StartUnix < fromUnix)
            {
                await writer.ShortenAsync(session, allocation, fromUnix, inputs.Weights, cause, caller, cancellationToken);
                shortened++;
            }
            else
            {
                await writer.DeleteAsync(session, allocation, inputs.Weights, cause, caller, cancellationToken);
                removed++;
            }
        }

        var allocations = JsonSerializer.Deserialize<List<StoredAllocation>>(preview.AllocationsJson) ?? [];
        foreach (var a in allocations)
        {
            await writer.CreateAsync(session, new NewAllocation(a.ParticipationId, a.PoolId, a.Gpus, a.StartUnix, a.EndUnix), inputs.Weights, cause, caller, cancellationToken);
        }

        var acceptedReason = shortfalls.Count > 0 ? reason : null;
        await session.ExecuteAsync(MarkCommitted, new { Id = planId, Now = Unix.Seconds(now), Reason = acceptedReason }, cancellationToken);
        var result = new PlanCommitted(planId, allocations.Count, shortened, removed, shortfalls, acceptedReason);
        await audit.WriteAsync(session, caller, "plan.commit", "plan", planId, null, result, cancellationToken);
        await session.CommitAsync(cancellationToken);
        return result;
    }

    public static string ETag(string fingerprint) => $"\"{fingerprint}\"";

    /// <summary>
    /// The first plan step boundary (a day's start in the stage's zone, unless another granularity is asked) at or after
    /// now, or a what-if's instant: allocations before it are kept as they are, so a plan changes nothing mid-step.
    /// </summary>
    private Instant Start(Instant? asOf, PlanOptions options, PlanningInputs inputs) =>
        PlanSteps.AtOrAfter(options.Granularity, inputs.Stage.Zone, asOf ?? Unix.Instant(Unix.Seconds(clock.GetCurrentInstant())));

    private static CapacityAnalysis Analysis(PlanningInputs inputs, PlanningProblem problem, Dictionary<long, string> teams, EqualShare share)
    {
        var pools = inputs.Pools.ToDictionary(p => p.Id);
        var extra = share.ExtraLeases.Select(l => new ExtraLeaseView(pools[l.PoolId].Code, pools[l.PoolId].GpuModel, l.Gpus, l.Span.Start, l.Span.End,
            GpuTime.ToGpuHours(l.GpuSeconds), l.KrwPerGpuHour, l.Krw)).ToList();
        var byModel = share.ExtraLeases.GroupBy(l => pools[l.PoolId].GpuModel, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new ExtraByModelView(g.Key, g.Min(l => l.Span.Start), g.Max(l => l.Span.End), GpuTime.ToGpuHours(g.Sum(l => l.GpuSeconds)), g.Sum(l => l.Krw)))
            .ToList();
        return new CapacityAnalysis(
            inputs.Stage.Code, problem.From, GpuTime.ToEquivalentGpuHours(problem.EntitlementMilliEghSeconds),
            GpuTime.ToEquivalentGpuHours(share.MaxEqualShareMilliEghSeconds), share.Feasible,
            share.Bottlenecks.Select(b => new BottleneckView(pools[b.PoolId].Code, pools[b.PoolId].GpuModel, b.Span.Start, b.Span.End, b.FreeGpus,
                b.LeasedGpus, b.Full ? "full" : "not-leased")).ToList(),
            extra, byModel, share.ExtraLeases.Sum(l => l.Krw), share.ParticipationsWithoutCapacity.Select(id => teams[id]).ToList(),
            share.ExtraLeaseProvenCheapest);
    }

    private static PlanView View(
        string id, PlanningInputs inputs, PlanningProblem problem, Dictionary<long, string> teams, HashSet<long> joined, Plan plan, bool hypothetical,
        PlanOptions options)
    {
        var moves = PlanMoves.Of(problem, plan.Allocations).ToLookup(m => m.ParticipationId);
        var pools = inputs.Pools.ToDictionary(p => p.Id);
        var allocations = plan.Allocations.Select(a => new PlannedAllocationView(
            teams[a.ParticipationId], pools[a.PoolId].Code, pools[a.PoolId].GpuModel, a.Gpus, a.Span.Start, a.Span.End,
            GpuTime.ToGpuHours(a.Gpus * (long)(a.Span.End - a.Span.Start).TotalSeconds),
            GpuTime.ToEquivalentGpuHours(problem.EquivalentOf(a)))).ToList();
        var participations = problem.Participations.Select(p =>
        {
            var share = plan.Shares.Single(s => s.ParticipationId == p.ParticipationId);
            var own = plan.Allocations.Where(a => a.ParticipationId == p.ParticipationId).ToList();
            var why = moves[p.ParticipationId].Select(m => new PlanMoveView(m.At, pools[m.ToPoolId].Code, [.. m.FromPoolIds.Select(k => pools[k].Code)],
                MoveReasons.Code(m.Reason))).ToList();
            return new PlannedParticipation(teams[p.ParticipationId], joined.Contains(p.ParticipationId), p.Window.Start, p.Window.End,
                GpuTime.ToEquivalentGpuHours(share.ReceivedMilliEghSeconds), GpuTime.ToEquivalentGpuHours(share.PlannedMilliEghSeconds),
                GpuTime.ToEquivalentGpuHours(share.TotalMilliEghSeconds), own.Count, GpuCountChanges(p, own),
                [.. problem.Pools.Where(k => p.RunningOn(k.PoolId) > 0).Select(k => new RunningView(k.Code, p.RunningOn(k.PoolId)))],
                p.AccountPoolIds?.Select(k => pools[k].Code).Order(StringComparer.Ordinal).ToList(), why.Count, why);
        }).ToList();
        var unallocated = plan.Unallocated.Select(u => new UnallocatedView(pools[u.PoolId].Code, GpuTime.ToGpuHours(u.GpuSeconds), u.Krw)).ToList();
        return new PlanView(id, inputs.Stage.Code, problem.From, hypothetical, problem.WholeNodes, PeriodPattern.NormalizingIso.Format(options.Granularity),
            options.AnyPool, Analysis(inputs, problem, teams, plan.Capacity), GpuTime.ToEquivalentGpuHours(plan.TargetMilliEghSeconds), participations, allocations,
            unallocated, GpuTime.ToGpuHours(plan.Unallocated.Sum(u => u.GpuSeconds)), plan.Unallocated.Sum(u => u.Krw),
            participations.Sum(p => p.Moves), participations.Sum(p => p.GpuCountChanges), plan.ProvenOptimal);
    }

    /// <summary>
    /// How often a team's total GPU count (all pools together) changes over its plan: at each start and end of its
    /// allocations where the total differs from just before (at the plan's start, from what it runs now).
    /// </summary>
    private static int GpuCountChanges(PlanParticipation participation, List<PlannedAllocation> allocations)
    {
        var points = allocations.SelectMany(a => new[] { a.Span.Start, a.Span.End }).Distinct().Order().ToList();
        var changes = 0;
        var previous = participation.RunningGpus?.Values.Sum() ?? 0;
        foreach (var point in points)
        {
            var gpus = allocations.Where(a => a.Span.Contains(point)).Sum(a => a.Gpus);
            if (gpus != previous)
            {
                changes++;
                previous = gpus;
            }
        }

        return changes;
    }

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

    /// <summary>Each team the plan leaves below the entitlement, when the leases cannot give everyone all of it.</summary>
    private static List<(string Team, long ShortMilliEghSeconds)> Shortfalls(PlanningProblem problem, Dictionary<long, string> teams, Plan plan) =>
        plan.Capacity.Feasible
            ? []
            : [.. plan.Shares.Where(s => s.TotalMilliEghSeconds < problem.EntitlementMilliEghSeconds)
                .Select(s => (teams[s.ParticipationId], problem.EntitlementMilliEghSeconds - s.TotalMilliEghSeconds))];

    private sealed record StoredAllocation(long ParticipationId, long PoolId, long Gpus, long StartUnix, long EndUnix);

    private sealed class PreviewRow
    {
        public string Id { get; init; } = string.Empty;
        public long StageId { get; init; }
        public long CreatedUnix { get; init; }
        public long FromUnix { get; init; }
        public string Fingerprint { get; init; } = string.Empty;
        public long Hypothetical { get; init; }
        public long WholeNodes { get; init; }
        public string AllocationsJson { get; init; } = string.Empty;
        public long? CommittedUnix { get; init; }
        public string? ShortfallJson { get; init; }
    }
}
