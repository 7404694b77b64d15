using NationalAiEval.Api.Auth;
using NationalAiEval.Api.Infrastructure.Database;
using NationalAiEval.Api.Infrastructure.Http;
using NationalAiEval.Core.Ledger;
using NodaTime;

namespace NationalAiEval.Api.Ledger;

/// <summary>
/// The forfeits that close a participation when its end takes effect (api-docs/DEFINITIONS.md#elimination): the GPU
/// balance, and the undrawn data grant. An end recorded for a later instant (an evaluation's announced date) leaves the
/// team its remainder and its data grant until then; its forfeits are posted once the instant has passed, by the
/// reconcile-usage job, which runs every two minutes. Posting is idempotent: each forfeit's source is unique.
/// </summary>
public sealed class EndForfeits(Db db, IClock clock, LedgerWriter ledger)
{
    /// <summary>Ended participations whose end has taken effect and whose closing forfeit is not posted yet.</summary>
    private static readonly Sql Due = Sql.Portable("""
        SELECT p.id, p.status FROM participation p
        WHERE p.ended_unix IS NOT NULL AND p.ended_unix <= @NowUnix
          AND NOT EXISTS (SELECT 1 FROM ledger_entry l WHERE l.participation_id = p.id AND l.resource = 'gpu' AND l.kind = 'forfeit')
        """);

    /// <summary>Participations with a closing forfeit: from then on, usage reported late for them moves the forfeit too.</summary>
    private static readonly Sql Forfeited = Sql.Portable("SELECT DISTINCT participation_id FROM ledger_entry WHERE resource = 'gpu' AND kind = 'forfeit'");

    private static readonly Caller System = Caller.System("participation end");

    public static string Cause(string status) => status == "withdrawn" ? "withdrawal" : "elimination";

    public static async Task<IReadOnlySet<long>> ForfeitedAsync(DbSession session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        return (await session.QueryAsync<long>(Forfeited, cancellationToken: cancellationToken)).ToHashSet();
    }

    /// <summary>What the forfeits would take now: the participation's GPU and data balances.</summary>
    public static async Task<(long Gpu, long Data)> BalancesAsync(DbSession session, long participationId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        return (await session.ExecuteScalarAsync<long>(LedgerSql.Balance, new { ParticipationId = participationId, Resource = "gpu" }, cancellationToken),
            await session.ExecuteScalarAsync<long>(LedgerSql.Balance, new { ParticipationId = participationId, Resource = "data" }, cancellationToken));
    }

    /// <summary>Forfeits what remains of the participation now, inside the caller's transaction. Returns the GPU and data amounts forfeited.</summary>
    public async Task<(long Gpu, long Data)> PostAsync(DbSession session, long participationId, string cause, Caller caller, CancellationToken cancellationToken)
    {
        var (gpu, data) = await BalancesAsync(session, participationId, cancellationToken);
        await ledger.PostAsync(session, participationId, LedgerRules.ClosingForfeits(participationId, cause, gpu, data), caller, cancellationToken);
        return (gpu, data);
    }

    /// <summary>Posts the forfeits of every end that has taken effect since it was recorded. Returns how many participations closed.</summary>
    public async Task<int> PostDueAsync(CancellationToken cancellationToken)
    {
        await using var session = await db.WriteAsync(cancellationToken);
        var due = (await session.QueryAsync<DueRow>(Due, new { NowUnix = Unix.Seconds(clock.GetCurrentInstant()) }, cancellationToken)).ToList();
        foreach (var participation in due)
        {
            await PostAsync(session, participation.Id, Cause(participation.Status), System, cancellationToken);
        }

        await session.CommitAsync(cancellationToken);
        return due.Count;
    }

    private sealed class DueRow
    {
        public long Id { get; init; }
        public string Status { get; init; } = string.Empty;
    }
}
