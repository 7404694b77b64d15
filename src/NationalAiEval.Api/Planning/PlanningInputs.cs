using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using NationalAiEval.Api.Allocations;
using NationalAiEval.Api.Infrastructure.Database;
using NationalAiEval.Api.Infrastructure.Http;
using NationalAiEval.Api.Participations;
using NationalAiEval.Api.Pools;
using NationalAiEval.Api.Stages;
using NationalAiEval.Core.Capacity;
using NationalAiEval.Core.Planning;
using NationalAiEval.Core.Time;
using NationalAiEval.Core.Weights;
using NodaTime;
using WeightStore = NationalAiEval.Api.Weights.WeightStore;

namespace NationalAiEval.Api.Planning;

/// <summary>
/// Reads what a stage's plan depends on (its participations, every pool with its leases and allocations, the weights)
/// and turns it into a <see cref="PlanningProblem"/>, optionally with hypothetical changes. The fingerprint hashes all of
/// it: a preview can be committed only while it is unchanged.
/// </summary>
public sealed class PlanningInputs
{
    private static readonly Sql AllPools = Sql.Portable(
        $"SELECT {PoolRow.Columns} FROM pool ORDER BY id");

    private static readonly Sql AllLeases = Sql.Portable(
        "SELECT id, pool_id, gpus, start_unix, end_unix, krw_per_gpu_hour, reference, created_unix FROM lease_line ORDER BY id");

    private static readonly Sql AllAllocations = Sql.Portable(AllocationRow.Select + " ORDER BY a.id");

    private static readonly Sql AllAccounts = Sql.Portable("SELECT pool_id, team_id FROM scheduler_account ORDER BY pool_id, team_id");

    private static readonly Sql AllWeights = Sql.Portable("SELECT gpu_model, effective_unix, per_mille FROM equivalence_weight ORDER BY gpu_model, effective_unix");

    private PlanningInputs(
        StageRow stage, List<ParticipationRow> participations, ILookup<long, ExcludedPoolRow> excluded, List<PoolRow> pools, List<LeaseRow> leases,
        List<AllocationRow> allocations, ILookup<long, long> accountPoolsByTeam, WeightSchedule weights, string fingerprint)
    {
        AccountPoolsByTeam = accountPoolsByTeam;
        Stage = stage;
        Participations = participations;
        Excluded = excluded;
        Pools = pools;
        Leases = leases;
        Allocations = allocations;
        Weights = weights;
        Fingerprint = fingerprint;
    }

    public StageRow Stage { get; }

    public List<ParticipationRow> Participations { get; }

    public ILookup<long, ExcludedPoolRow> Excluded { get; }

    public List<PoolRow> Pools { get; }

    public List<LeaseRow> Leases { get; }

    public List<AllocationRow> Allocations { get; }

    public WeightSchedule Weights { get; }

    /// <summary>The pools where each team (by id) has a scheduler account.</summary>
    public ILookup<long, long> AccountPoolsByTeam { get; }

    public string Fingerprint { get; }

    public static async Task<PlanningInputs> LoadAsync(DbSession session, string stageCode, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        var stage = await session.QuerySingleOrDefaultAsync<StageRow>(StageRow.ByCode, new { Code = stageCode }, cancellationToken)
            ?? throw Problems.NotFound("stage", stageCode);
        var participations = (await session.QueryAsync<ParticipationRow>(ParticipationRow.OfStage, new { StageId = stage.Id }, cancellationToken)).ToList();
        var excluded = (await session.QueryAsync<ExcludedPoolRow>(ParticipationRow.ExcludedOfStage, new { StageId = stage.Id }, cancellationToken))
            .ToLookup(e => e.ParticipationId);
        var pools = (await session.QueryAsync<PoolRow>(AllPools, cancellationToken: cancellationToken)).ToList();
        var leases = (await session.QueryAsync<LeaseRow>(AllLeases, cancellationToken: cancellationToken)).ToList();
        var allocations = (await session.QueryAsync<AllocationRow>(AllAllocations, cancellationToken: cancellationToken)).ToList();
        var weightRows = (await session.QueryAsync<WeightRow>(AllWeights, cancellationToken: cancellationToken)).ToList();
        var accounts = (await session.QueryAsync<AccountRow>(AllAccounts, cancellationToken: cancellationToken)).ToList();
        var weights = await WeightStore.LoadScheduleAsync(session, cancellationToken);

        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"stage {stage.Id} {stage.Version}\n");
        foreach (var p in participations)
        {
            text.Append(CultureInfo.InvariantCulture, $"participation {p.Id} {p.Status} {p.EndedUnix} {p.WindowStartUnix} {p.WindowEndUnix} {p.EligibleUnix} {string.Join(',', excluded[p.Id].Select(e => e.PoolId))}\n");
        }

        foreach (var pool in pools)
        {
            text.Append(CultureInfo.InvariantCulture, $"pool {pool.Id} {pool.GpuModel} {pool.GpusPerNode}\n");
        }

        foreach (var lease in leases)
        {
            text.Append(CultureInfo.InvariantCulture, $"lease {lease.Id} {lease.PoolId} {lease.Gpus} {lease.StartUnix} {lease.EndUnix} {lease.KrwPerGpuHour}\n");
        }

        foreach (var a in allocations)
        {
            text.Append(CultureInfo.InvariantCulture, $"allocation {a.Id} {a.ParticipationId} {a.PoolId} {a.Gpus} {a.StartUnix} {a.EndUnix} {a.Version}\n");
        }

        foreach (var a in accounts)
        {
            text.Append(CultureInfo.InvariantCulture, $"account {a.PoolId} {a.TeamId}\n");
        }

        foreach (var w in weightRows)
        {
            text.Append(CultureInfo.InvariantCulture, $"weight {w.GpuModel} {w.EffectiveUnix} {w.PerMille}\n");
        }

        var fingerprint = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..32];
        return new PlanningInputs(stage, participations, excluded, pools, leases, allocations,
            accounts.Select(a => (a.TeamId, a.PoolId)).Distinct().ToLookup(a => a.TeamId, a => a.PoolId), weights, fingerprint);
    }

    /// <summary>
    /// The problem from <paramref name="from"/> on. Active participations are planned: their allocations before
    /// <paramref name="from"/> count as received, later ones are re-planned, and what runs just before it is where the
    /// plan keeps them. Everything else on the pools (other stages, ended participations up to their end) is locked. A
    /// team goes only on pools where it has a scheduler account, unless <see cref="PlanOptions.AnyPool"/> or it has none
    /// anywhere (a team without accounts is not kept from any pool). A what-if adds joins, eliminations and lease lines.
    /// </summary>
    public (PlanningProblem Problem, Dictionary<long, string> Teams, HashSet<long> Hypothetical) Problem(
        Instant from, PlanOptions options, WhatIfRequest? whatIf, Period defaultMinimum)
    {
        ArgumentNullException.ThrowIfNull(options);
        var fromUnix = Unix.Seconds(from);
        var eliminated = (whatIf?.Eliminations ?? []).ToDictionary(e => e.Team!, e => Unix.Seconds(e.EffectiveAt!.Value), StringComparer.Ordinal);
        var planned = Participations
            .Where(p => p.ParsedStatus == Core.Allocations.ParticipationStatus.Active && !eliminated.ContainsKey(p.TeamCode))
            .ToList();
        var plannedIds = planned.Select(p => p.Id).ToHashSet();
        var teams = Participations.ToDictionary(p => p.Id, p => p.TeamCode);
        var hypothetical = new HashSet<long>();

        var pools = Pools.Select(pool =>
        {
            var leases = Leases.Where(l => l.PoolId == pool.Id).Select(l => l.ToLine()).ToList();
            leases.AddRange((whatIf?.Leases ?? []).Where(l => l.Pool == pool.Code)
                .Select(l => new LeaseLine(l.Gpus!.Value, new Interval(l.Start!.Value, l.End!.Value), l.KrwPerGpuHour!.Value)));
            var locked = Allocations
                .Where(a => a.PoolId == pool.Id && !plannedIds.Contains(a.ParticipationId) && a.EndUnix > fromUnix)
                .Select(a => Cut(a, eliminated.GetValueOrDefault(teams.GetValueOrDefault(a.ParticipationId) ?? string.Empty, long.MaxValue), a.StageCode == Stage.Code))
                .Where(a => a is not null)
                .Select(a => a!)
                .ToList();
            return new PlanPool(pool.Id, pool.Code, pool.GpuModel, pool.GpusPerNode, leases, locked, NewLeases(pool, leases, from, defaultMinimum));
        }).ToList();

        var participations = planned.Select(p => new PlanParticipation(
            p.Id, p.TeamCode, Unix.Interval(p.WindowStartUnix, p.WindowEndUnix), p.EligibleUnix is { } e ? Unix.Instant(e) : null,
            Excluded[p.Id].Select(x => x.PoolId).ToHashSet(), Received(p.Id, fromUnix), Running(p.Id, fromUnix),
            options.AnyPool || !AccountPoolsByTeam[p.TeamId].Any() ? null : AccountPoolsByTeam[p.TeamId].ToHashSet())).ToList();

        var nextId = -1L;
        foreach (var join in whatIf?.Joins ?? [])
        {
            var window = ParticipationWindow.For(join.JoinDate!.Value, Stage.Duration, Stage.Zone);
            var id = nextId--;
            teams[id] = join.Team!;
            hypothetical.Add(id);
            participations.Add(new PlanParticipation(id, join.Team!, window.Span,
                join.EligibleFrom is { } eligible ? ParticipationWindow.StartOfDay(eligible, Stage.Zone) : null,
                (join.ExcludedPools ?? []).Select(code => Pools.Single(pool => pool.Code == code).Id).ToHashSet(), 0));
        }

        return (new PlanningProblem(from, Stage.EntitlementMilliEghS, pools, participations, Weights, options.WholeNodes, Stage.Zone, options.Granularity),
            teams, hypothetical);
    }

    /// <summary>
    /// The terms on which the planner may propose a new lease line on the pool (api-docs/DEFINITIONS.md#planner): none
    /// when the pool is closed to new leases, or when it states no price and all its leases have ended by the planning
    /// start (nobody offers it any more); otherwise the stated price or the latest lease line's, and the stated minimum
    /// length or the programme's.
    /// </summary>
    private static NewLeaseTerms? NewLeases(PoolRow pool, List<LeaseLine> leases, Instant from, Period defaultMinimum)
    {
        if (pool.ClosedToNewLeases != 0 || (pool.NewLeaseKrwPerGpuHour is null && !leases.Any(l => l.Span.End > from)))
        {
            return null;
        }

        var price = pool.NewLeaseKrwPerGpuHour ?? leases.OrderByDescending(l => l.Span.Start).Select(l => l.KrwPerGpuHour).First();
        var minimum = NewLeaseTerms.TryParseMinimum(pool.NewLeaseMinimum, out var stated) ? stated : defaultMinimum;
        return new NewLeaseTerms(price, minimum);
    }

    /// <summary>What a participation's allocations gave it before the planning start, in milli-EGH-seconds.</summary>
    public long Received(long participationId, long fromUnix) =>
        Allocations.Where(a => a.ParticipationId == participationId && a.StartUnix < fromUnix)
            .Sum(a => Weights.EquivalentMilliEghSeconds(a.GpuModel, a.Gpus, Unix.Interval(a.StartUnix, Math.Min(a.EndUnix, fromUnix))));

    /// <summary>GPUs per pool the participation's allocations hold just before the planning start: where a plan keeps it.</summary>
    private Dictionary<long, long> Running(long participationId, long fromUnix) =>
        Allocations.Where(a => a.ParticipationId == participationId && a.StartUnix < fromUnix && a.EndUnix >= fromUnix)
            .GroupBy(a => a.PoolId)
            .ToDictionary(g => g.Key, g => g.Sum(a => a.Gpus));

    /// <summary>Checks a what-if against the stage: names that exist, dates inside the stage, pools that exist.</summary>
    public void Validate(WhatIfRequest? whatIf, Validator v)
    {
        ArgumentNullException.ThrowIfNull(v);
        if (whatIf is null)
        {
            return;
        }

        var teams = Participations.Select(p => p.TeamCode).ToHashSet(StringComparer.Ordinal);
        var pools = Pools.Select(p => p.Code).ToHashSet(StringComparer.Ordinal);
        var joins = whatIf.Joins ?? [];
        for (var i = 0; i < joins.Count; i++)
        {
            var field = $"whatIf.joins[{i}]";
            var code = v.Code(joins[i].Team, $"{field}.team");
            if (teams.Contains(code))
            {
                v.Add($"{field}.team", "is already in the stage.");
            }

            teams.Add(code);
            var join = v.Date(joins[i].JoinDate, $"{field}.joinDate");
            if (join < Stage.Start)
            {
                v.Add($"{field}.joinDate", $"is before the stage starts ({Stage.StartDate}).");
            }

            v.OptionalDate(joins[i].EligibleFrom, $"{field}.eligibleFrom");
            foreach (var (pool, j) in (joins[i].ExcludedPools ?? []).Select((p, j) => (p, j)).Where(x => !pools.Contains(x.p)))
            {
                v.Add($"{field}.excludedPools[{j}]", $"There is no pool '{pool}'.");
            }
        }

        var eliminations = whatIf.Eliminations ?? [];
        for (var i = 0; i < eliminations.Count; i++)
        {
            var field = $"whatIf.eliminations[{i}]";
            if (eliminations[i].Team is not { } team || !Participations.Any(p => p.TeamCode == team && p.ParsedStatus == Core.Allocations.ParticipationStatus.Active))
            {
                v.Add($"{field}.team", "must be an active participant of the stage.");
            }

            v.Instant(eliminations[i].EffectiveAt, $"{field}.effectiveAt");
        }

        var leases = whatIf.Leases ?? [];
        for (var i = 0; i < leases.Count; i++)
        {
            var field = $"whatIf.leases[{i}]";
            if (leases[i].Pool is not { } pool || !pools.Contains(pool))
            {
                v.Add($"{field}.pool", "must be an existing pool.");
            }

            v.Range(leases[i].Gpus, $"{field}.gpus", 1, PoolStore.MaxGpus);
            var start = v.Instant(leases[i].Start, $"{field}.start");
            var end = v.Instant(leases[i].End, $"{field}.end");
            v.Ordered(start, end, $"{field}.end");
            v.Range(leases[i].KrwPerGpuHour, $"{field}.krwPerGpuHour", 0, PoolStore.MaxKrwPerGpuHour);
        }

        if (whatIf.AsOf is { } asOf)
        {
            v.Instant(asOf, "whatIf.asOf");
        }

    }

    /// <summary>An allocation that may not move: cut at a hypothetical elimination of its team in this stage.</summary>
    private static AllocationSpan? Cut(AllocationRow allocation, long eliminatedAt, bool thisStage)
    {
        var end = thisStage ? Math.Min(allocation.EndUnix, eliminatedAt) : allocation.EndUnix;
        return end > allocation.StartUnix ? new AllocationSpan(allocation.Gpus, Unix.Interval(allocation.StartUnix, end)) : null;
    }

    private sealed class AccountRow
    {
        public long PoolId { get; init; }
        public long TeamId { get; init; }
    }

    private sealed class WeightRow
    {
        public string GpuModel { get; init; } = string.Empty;
        public long EffectiveUnix { get; init; }
        public long PerMille { get; init; }
    }
}
