using NationalAiEval.Api.Infrastructure.Database;
using NationalAiEval.Api.Weights;
using NationalAiEval.Core.Usage;
using NationalAiEval.Core.Weights;

namespace NationalAiEval.Api.Reconciliation;

/// <summary>
/// The small tables reconciliation consults for every fact: account mappings, teams' participations, pools' GPU
/// models and codes, teams' codes and the weights. Read once per batch, inside its transaction.
/// </summary>
public sealed class ReconciliationData
{
    private static readonly Sql Mappings = Sql.Portable("SELECT pool_id, account, team_id FROM scheduler_account");

    private static readonly Sql Participations = Sql.Portable(
        "SELECT id AS participation_id, team_id, window_start_unix, window_end_unix, ended_unix FROM participation ORDER BY window_start_unix");

    private static readonly Sql Pools = Sql.Portable("SELECT id, code, gpu_model FROM pool");

    private static readonly Sql Teams = Sql.Portable("SELECT id, code FROM team");

    private static readonly Sql LeaseLines = Sql.Portable("SELECT pool_id, gpus, start_unix, end_unix FROM lease_line");

    private ReconciliationData(
        Dictionary<(long PoolId, string Account), long> mappings, ILookup<long, PayingParticipation> participations,
        Dictionary<long, (string Code, string GpuModel)> pools, Dictionary<long, string> teams, WeightSchedule weights, Dictionary<long, long> peaks,
        IReadOnlySet<long> forfeited)
    {
        PeakGpus = peaks;
        Forfeited = forfeited;
        MappedTeams = mappings;
        ParticipationsByTeam = participations;
        PoolsById = pools;
        TeamCodes = teams;
        Weights = weights;
    }

    public Dictionary<(long PoolId, string Account), long> MappedTeams { get; }

    public ILookup<long, PayingParticipation> ParticipationsByTeam { get; }

    public Dictionary<long, (string Code, string GpuModel)> PoolsById { get; }

    public Dictionary<long, string> TeamCodes { get; }

    public WeightSchedule Weights { get; }

    /// <summary>Participations whose closing forfeit is posted (<see cref="Ledger.EndForfeits"/>).</summary>
    public IReadOnlySet<long> Forfeited { get; }

    /// <summary>The most GPUs each pool leases at once (<see cref="LeaseCover.PeakGpus"/>); a pool without a lease is absent.</summary>
    public Dictionary<long, long> PeakGpus { get; }

    public static async Task<ReconciliationData> LoadAsync(DbSession session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        var mappings = (await session.QueryAsync<MappingRow>(Mappings, cancellationToken: cancellationToken))
            .ToDictionary(m => (m.PoolId, m.Account), m => m.TeamId);
        var participations = (await session.QueryAsync<ParticipationRow>(Participations, cancellationToken: cancellationToken))
            .ToLookup(p => p.TeamId, p => new PayingParticipation(p.ParticipationId, p.WindowStartUnix, p.WindowEndUnix, p.EndedUnix));
        var pools = (await session.QueryAsync<PoolRow>(Pools, cancellationToken: cancellationToken)).ToDictionary(p => p.Id, p => (p.Code, p.GpuModel));
        var teams = (await session.QueryAsync<TeamRow>(Teams, cancellationToken: cancellationToken)).ToDictionary(t => t.Id, t => t.Code);
        var peaks = (await session.QueryAsync<LeaseLineRow>(LeaseLines, cancellationToken: cancellationToken))
            .GroupBy(l => l.PoolId)
            .ToDictionary(g => g.Key, g => LeaseCover.Of(g.Select(l => new LeaseSpan(l.Gpus, l.StartUnix, l.EndUnix)), 0).PeakGpus);
        return new ReconciliationData(mappings, participations, pools, teams, await WeightStore.LoadScheduleAsync(session, cancellationToken), peaks,
            await Ledger.EndForfeits.ForfeitedAsync(session, cancellationToken));
    }

    /// <summary>How a team's GPU-seconds in an hour are charged, and how many milli-EGH-seconds they are worth there.</summary>
    public (HourAttribution Kind, PayingParticipation? Payer, long MilliEghSeconds) Charge(long teamId, long poolId, long hourUnix, long gpuSeconds)
    {
        var (kind, payer) = UsageAttribution.For(ParticipationsByTeam[teamId].ToList(), hourUnix);
        var weight = Weights.PerMilleAt(PoolsById[poolId].GpuModel, Infrastructure.Http.Unix.Instant(hourUnix));
        if (kind != HourAttribution.Charged || weight is null)
        {
            return (kind == HourAttribution.Charged ? HourAttribution.OutsideWindow : kind, payer, 0);
        }

        return (kind, payer, checked(gpuSeconds * weight.Value));
    }

    private sealed class MappingRow
    {
        public long PoolId { get; init; }
        public string Account { get; init; } = string.Empty;
        public long TeamId { get; init; }
    }

    private sealed class ParticipationRow
    {
        public long ParticipationId { get; init; }
        public long TeamId { get; init; }
        public long WindowStartUnix { get; init; }
        public long WindowEndUnix { get; init; }
        public long? EndedUnix { get; init; }
    }

    private sealed class PoolRow
    {
        public long Id { get; init; }
        public string Code { get; init; } = string.Empty;
        public string GpuModel { get; init; } = string.Empty;
    }

    private sealed class LeaseLineRow
    {
        public long PoolId { get; init; }
        public long Gpus { get; init; }
        public long StartUnix { get; init; }
        public long EndUnix { get; init; }
    }

    private sealed class TeamRow
    {
        public long Id { get; init; }
        public string Code { get; init; } = string.Empty;
    }
}
