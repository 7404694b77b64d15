using NationalAiEval.Api.Infrastructure.Database;

namespace NationalAiEval.Api.Ledger;

public static class LedgerSql
{
    /// <summary>Balance of one resource of one participation: the plain sum of its entries.</summary>
    public static readonly Sql Balance = Sql.Portable(
        "SELECT COALESCE(SUM(amount), 0) FROM ledger_entry WHERE participation_id = @ParticipationId AND resource = @Resource");

    /// <summary>Per participation of a stage (or of a team): granted and balance of both resources.</summary>
    public static readonly Sql TotalsByParticipation = Sql.Portable("""
        SELECT participation_id,
               COALESCE(SUM(CASE WHEN resource = 'gpu' AND kind = 'grant' THEN amount ELSE 0 END), 0) AS granted_gpu,
               COALESCE(SUM(CASE WHEN resource = 'gpu' THEN amount ELSE 0 END), 0) AS balance_gpu,
               COALESCE(SUM(CASE WHEN resource = 'data' AND kind = 'grant' THEN amount ELSE 0 END), 0) AS granted_data,
               COALESCE(SUM(CASE WHEN resource = 'data' THEN amount ELSE 0 END), 0) AS balance_data,
               COALESCE(SUM(CASE WHEN resource = 'gpu' AND kind IN ('usage', 'reversal') THEN -amount ELSE 0 END), 0) AS used_gpu,
               COALESCE(SUM(CASE WHEN resource = 'data' AND kind = 'usage' THEN -amount ELSE 0 END), 0) AS drawn_data
        FROM ledger_entry
        WHERE participation_id IN (
            SELECT id FROM participation WHERE (@StageId IS NULL OR stage_id = @StageId) AND (@TeamId IS NULL OR team_id = @TeamId))
        GROUP BY participation_id
        """);
}

public sealed class LedgerTotalsRow
{
    public long ParticipationId { get; init; }
    public long GrantedGpu { get; init; }
    public long BalanceGpu { get; init; }
    public long GrantedData { get; init; }
    public long BalanceData { get; init; }
    public long UsedGpu { get; init; }
    public long DrawnData { get; init; }
}
