using System.Globalization;
using System.Text;
using NationalAiEval.Api.Auth;
using NationalAiEval.Api.Infrastructure.Database;
using NationalAiEval.Api.Infrastructure.Http;
using NationalAiEval.Api.Pools;
using NationalAiEval.Api.Weights;
using NationalAiEval.Core.Codes;
using NationalAiEval.Core.Units;
using NationalAiEval.Core.Usage;
using NodaTime;
using NodaTime.Text;

namespace NationalAiEval.Api.Enforcement;

/// <summary>
/// The <c>sacctmgr</c> commands that make a Slurm cluster enforce the quota: for each account mapped on the pool, the
/// team's remaining entitlement (in the participation that pays for the current hour, api-docs/DEFINITIONS.md#who-pays) converted to this pool's raw
/// GPU-minutes at today's weight, as <c>GrpTRESMins=gres/gpu=N</c>. Slurm counts a GrpTRESMins limit against the
/// usage the association has accrued, so the script resets that usage (<c>RawUsage=0</c>) first: the limit then
/// counts from now, while this service keeps the history. A team with nothing remaining, or with no current window,
/// gets a limit of 0. An account used on several pools gets the whole remainder on each; overuse across pools is
/// caught by reconciliation's "entitlement exceeded" flag. The script is meant to be run by a shell: every name in it
/// follows its grammar to the true end of the text and is single-quoted, so nothing stored can split a command across
/// lines or add one (a mapping stored before the grammars were strict is skipped with a comment).
/// </summary>
public sealed class SlurmLimits(Db db, IClock clock)
{
    private static readonly Sql MappedAccounts = Sql.Portable("""
        SELECT a.account, t.id AS team_id, t.code AS team FROM scheduler_account a JOIN team t ON t.id = a.team_id
        WHERE a.pool_id = @PoolId ORDER BY a.account
        """);

    private static readonly Sql ParticipationsOfTeam = Sql.Portable("""
        SELECT p.id, s.code AS stage, s.entitlement_milli_egh_s, p.window_start_unix, p.window_end_unix, p.ended_unix
        FROM participation p JOIN stage s ON s.id = p.stage_id WHERE p.team_id = @TeamId
        """);

    private static readonly Sql UsedGpu = Sql.Portable(
        "SELECT COALESCE(SUM(amount), 0) FROM ledger_entry WHERE participation_id = @ParticipationId AND resource = 'gpu' AND kind IN ('usage', 'reversal')");

    /// <summary>Reads the <c>cluster</c> query value: a Slurm cluster name, or none.</summary>
    public static string? ParseCluster(string? cluster) =>
        cluster is null || SlurmNames.IsCluster(cluster) ? cluster : throw Problems.Validation("cluster", $"must be a Slurm cluster name: {SlurmNames.ClusterRule}.");

    /// <summary>The script for a pool, for a <paramref name="cluster"/> read with <see cref="ParseCluster"/>.</summary>
    public async Task<string> ScriptAsync(string poolCode, string? cluster, Caller caller, CancellationToken cancellationToken)
    {
        var now = Unix.Now(clock);
        await using var session = await db.ReadAsync(cancellationToken);
        var pool = await PoolStore.FindVisibleAsync(session, poolCode, caller, cancellationToken);
        var weight = (await WeightStore.LoadScheduleAsync(session, cancellationToken)).PerMilleAt(pool.GpuModel, now)
            ?? throw Problems.Unprocessable("no-weight", "No equivalence weight now.", $"GPU model {pool.GpuModel} has no weight in force.");
        var where = cluster is null ? string.Empty : $" cluster={Quoted(cluster)}";
        var script = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"# NationalAiEval GPU limits for pool {OneLine(pool.Code)} ({OneLine(pool.GpuModel)}, {weight} per-mille of B200) at {InstantPattern.ExtendedIso.Format(now)}.")
            .AppendLine("# Each account may use its team's remaining entitlement, in this pool's GPU-minutes. RawUsage is reset first, so the limit counts from now.");
        foreach (var account in await session.QueryAsync<AccountRow>(MappedAccounts, new { PoolId = pool.Id }, cancellationToken))
        {
            if (!SchedulerAccount.IsValid(account.Account))
            {
                script.AppendLine(CultureInfo.InvariantCulture, $"# skipped a mapped account whose name is not {SchedulerAccount.Rule}: correct its mapping");
                continue;
            }

            // The participation that pays for this hour's usage is the one whose remainder the cluster enforces.
            var participations = (await session.QueryAsync<ParticipationRow>(ParticipationsOfTeam, new { account.TeamId }, cancellationToken)).ToList();
            var (kind, payer) = UsageAttribution.For(
                [.. participations.Select(p => new PayingParticipation(p.Id, p.WindowStartUnix, p.WindowEndUnix, p.EndedUnix))], HourlyBuckets.HourOf(Unix.Seconds(now)));
            var participation = kind == HourAttribution.Charged ? participations.Single(p => p.Id == payer!.ParticipationId) : null;
            long minutes = 0;
            if (participation is null)
            {
                script.AppendLine(CultureInfo.InvariantCulture, $"# {account.Account} -> {OneLine(account.Team)}: no participation window contains now");
            }
            else
            {
                var used = -(await session.QueryAsync<long>(UsedGpu, new { ParticipationId = participation.Id }, cancellationToken)).Single();
                var remaining = Math.Max(0, participation.EntitlementMilliEghS - used);
                minutes = remaining / weight / 60;
                script.AppendLine(CultureInfo.InvariantCulture,
                    $"# {account.Account} -> {OneLine(account.Team)} ({OneLine(participation.Stage)}): {GpuTime.ToEquivalentGpuHours(remaining).ToString(CultureInfo.InvariantCulture)} equivalent GPU-hours remaining");
            }

            script.AppendLine(CultureInfo.InvariantCulture, $"sacctmgr -i modify account where name={Quoted(account.Account)}{where} set RawUsage=0")
                .AppendLine(CultureInfo.InvariantCulture, $"sacctmgr -i modify account where name={Quoted(account.Account)}{where} set GrpTRESMins=gres/gpu={minutes}");
        }

        return script.ToString();
    }

    /// <summary>Text in a comment line: a code stored before the grammars were strict cannot end the comment early.</summary>
    private static string OneLine(string text) => PlainText.IsClean(text) ? text : "(a name with control characters)";

    /// <summary>One shell word: names reach here only by their grammars, which hold no quote, space or control character.</summary>
    private static string Quoted(string name) =>
        name.Contains('\'', StringComparison.Ordinal) || !PlainText.IsClean(name) || name.Any(char.IsWhiteSpace)
            ? throw new InvalidOperationException("A name with a quote, a space or a control character reached a Slurm command.")
            : $"'{name}'";

    private sealed class AccountRow
    {
        public string Account { get; init; } = string.Empty;
        public long TeamId { get; init; }
        public string Team { get; init; } = string.Empty;
    }

    private sealed class ParticipationRow
    {
        public long Id { get; init; }
        public string Stage { get; init; } = string.Empty;
        public long EntitlementMilliEghS { get; init; }
        public long WindowStartUnix { get; init; }
        public long WindowEndUnix { get; init; }
        public long? EndedUnix { get; init; }
    }
}
