using NationalAiEval.Api.Idle;
using NationalAiEval.Api.Infrastructure.Database;
using NationalAiEval.Core.Reports;
using NationalAiEval.Core.Time;
using NodaTime;

namespace NationalAiEval.Api.Reports;

/// <summary>
/// The finest grain of the waste report: a pool's figures over a month, one cell per team that held or used capacity
/// there, and one (team null) for the rest of the pool: unallocated capacity and usage of unmapped accounts. The cells
/// of a pool add up to the pool. Labels are the names to print; closed months keep the names they had.
/// </summary>
public sealed record WasteCell(long PoolId, long? TeamId, WasteAmounts Amounts, CellLabels? Labels = null);

/// <summary>How a cell's pool and team were named when its month closed.</summary>
public sealed record CellLabels(string PoolCode, string Provider, string GpuModel, string? TeamCode, string? TeamName);

/// <summary>Reads cells live from the hourly idle facts, or frozen from a closed month, and works out adjustments.</summary>
public static class WasteCells
{
    // Declared before the statements that use them: static fields are set in the order they are written.
    private static readonly string Sums = IdleFactColumns.Sums(IdleFactColumns.Pool);

    private static readonly string PoolColumns = IdleFactColumns.List(IdleFactColumns.Pool);

    private static readonly string TeamColumns = IdleFactColumns.List(IdleFactColumns.Team);

    /// <summary>
    /// A month's sums per pool: its whole UTC days from the day rollups, and the hours at its edges (before its first
    /// whole day and from its last) from the hourly facts. Where the month holds no whole day, all of it is hours.
    /// </summary>
    private static readonly Sql PoolMonth = Sql.Portable($"""
        SELECT pool_id, {Sums} FROM (
            SELECT pool_id, {PoolColumns} FROM idle_day_fact WHERE day_unix >= @FromDay AND day_unix < @ToDay
            UNION ALL
            SELECT pool_id, {PoolColumns} FROM idle_fact WHERE hour_unix >= @FromUnix AND hour_unix < @FromDay
            UNION ALL
            SELECT pool_id, {PoolColumns} FROM idle_fact WHERE hour_unix >= @ToDay AND hour_unix < @ToUnix) month_rows
        GROUP BY pool_id
        """);

    private static readonly Sql TeamMonth = Sql.Portable($"""
        SELECT pool_id, team_id, {IdleFactColumns.Sums(IdleFactColumns.Team)}
        FROM (
            SELECT pool_id, team_id, {TeamColumns} FROM idle_team_day_fact WHERE day_unix >= @FromDay AND day_unix < @ToDay
            UNION ALL
            SELECT pool_id, team_id, {TeamColumns} FROM idle_team_fact WHERE hour_unix >= @FromUnix AND hour_unix < @FromDay
            UNION ALL
            SELECT pool_id, team_id, {TeamColumns} FROM idle_team_fact WHERE hour_unix >= @ToDay AND hour_unix < @ToUnix) month_rows
        GROUP BY pool_id, team_id
        """);

    private static readonly Sql Frozen = Sql.Portable($"""
        SELECT for_period, pool_id, team_id, pool_code, pool_provider, gpu_model, team_code, team_name, {PoolColumns}
        FROM period_fact WHERE period = @Period ORDER BY id
        """);

    private static readonly Sql Accounted = Sql.Portable($"""
        SELECT pool_id, team_id, {Sums} FROM period_fact WHERE for_period = @ForPeriod GROUP BY pool_id, team_id
        """);

    /// <summary>A month's cells as the idle facts say now.</summary>
    public static async Task<List<WasteCell>> LiveAsync(DbSession session, YearMonth month, DateTimeZone zone, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        var (from, to) = ProgrammeMonths.Bounds(month, zone);
        var firstWholeDay = from % 86_400 == 0 ? from : from - (from % 86_400) + 86_400;
        var endOfWholeDays = to - (to % 86_400);
        var range = firstWholeDay < endOfWholeDays
            ? new { FromUnix = from, ToUnix = to, FromDay = firstWholeDay, ToDay = endOfWholeDays }
            : new { FromUnix = from, ToUnix = to, FromDay = to, ToDay = to };
        var pools = await session.QueryAsync<AmountsRow>(PoolMonth, range, cancellationToken);
        var teams = (await session.QueryAsync<TeamRow>(TeamMonth, range, cancellationToken)).ToLookup(t => t.PoolId);
        var cells = new List<WasteCell>();
        foreach (var pool in pools)
        {
            var rest = pool.ToAmounts();
            foreach (var team in teams[pool.PoolId])
            {
                var amounts = team.ToAmounts();
                rest -= amounts;
                cells.Add(new WasteCell(pool.PoolId, team.TeamId, amounts));
            }

            cells.Add(new WasteCell(pool.PoolId, null, rest));
        }

        return [.. cells.Where(c => !c.Amounts.IsZero)];
    }

    /// <summary>What a closed month froze: its own cells (for itself) and the adjustments it carried for earlier months.</summary>
    public static async Task<List<(YearMonth ForPeriod, WasteCell Cell)>> FrozenAsync(DbSession session, YearMonth period, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        var rows = await session.QueryAsync<AmountsRow>(Frozen, new { Period = ProgrammeMonths.Text(period) }, cancellationToken);
        return [.. rows.Select(r => (ParseMonth(r.ForPeriod), new WasteCell(r.PoolId, r.TeamId, r.ToAmounts(),
            new CellLabels(r.PoolCode, r.PoolProvider, r.GpuModel, r.TeamCode, r.TeamName))))];
    }

    /// <summary>
    /// What is still to be reported for a closed month: its cells now, less everything reported for it so far (at its
    /// closing and in adjustments since). Late usage and corrections show up here, and only here.
    /// </summary>
    public static async Task<List<WasteCell>> AdjustmentsAsync(DbSession session, YearMonth closed, DateTimeZone zone, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        var live = await LiveAsync(session, closed, zone, cancellationToken);
        var accounted = await session.QueryAsync<AmountsRow>(Accounted, new { ForPeriod = ProgrammeMonths.Text(closed) }, cancellationToken);
        var difference = live.ToDictionary(c => (c.PoolId, c.TeamId), c => c.Amounts);
        foreach (var row in accounted)
        {
            difference[(row.PoolId, row.TeamId)] = difference.GetValueOrDefault((row.PoolId, row.TeamId)) - row.ToAmounts();
        }

        return [.. difference.Where(d => !d.Value.IsZero).OrderBy(d => d.Key.PoolId).ThenBy(d => d.Key.TeamId ?? long.MaxValue)
            .Select(d => new WasteCell(d.Key.PoolId, d.Key.TeamId, d.Value))];
    }

    private static YearMonth ParseMonth(string text) => NodaTime.Text.YearMonthPattern.Iso.Parse(text).GetValueOrThrow();

    private sealed class AmountsRow
    {
        public string ForPeriod { get; init; } = string.Empty;
        public long PoolId { get; init; }
        public long? TeamId { get; init; }
        public string PoolCode { get; init; } = string.Empty;
        public string PoolProvider { get; init; } = string.Empty;
        public string GpuModel { get; init; } = string.Empty;
        public string? TeamCode { get; init; }
        public string? TeamName { get; init; }
        public long LeasedGs { get; init; }
        public long AllocatedGs { get; init; }
        public long UsedGs { get; init; }
        public long ExcessGs { get; init; }
        public long AllocatedUnusedGs { get; init; }
        public long UnallocatedGs { get; init; }
        public long LowUtilUgs { get; init; }
        public long LeasedNum { get; init; }
        public long UsedNum { get; init; }
        public long AllocatedUnusedNum { get; init; }
        public long UnallocatedNum { get; init; }
        public long LowUtilMnum { get; init; }
        public long LeasedMeg { get; init; }
        public long UsedMeg { get; init; }
        public long AllocatedUnusedMeg { get; init; }
        public long UnallocatedMeg { get; init; }

        public WasteAmounts ToAmounts() => new(
            LeasedGs, AllocatedGs, UsedGs, ExcessGs, AllocatedUnusedGs, UnallocatedGs, LowUtilUgs, LeasedNum, UsedNum, AllocatedUnusedNum, UnallocatedNum,
            LowUtilMnum, LeasedMeg, UsedMeg, AllocatedUnusedMeg, UnallocatedMeg);
    }

    private sealed class TeamRow
    {
        public long PoolId { get; init; }
        public long TeamId { get; init; }
        public long AllocatedGs { get; init; }
        public long UsedGs { get; init; }
        public long AllocatedUnusedGs { get; init; }
        public long LowUtilUgs { get; init; }
        public long UsedNum { get; init; }
        public long AllocatedUnusedNum { get; init; }
        public long LowUtilMnum { get; init; }
        public long UsedMeg { get; init; }
        public long AllocatedUnusedMeg { get; init; }
        public long ExcessGs { get; init; }

        public WasteAmounts ToAmounts() =>
            WasteAmounts.ForTeam(AllocatedGs, UsedGs, AllocatedUnusedGs, LowUtilUgs, UsedNum, AllocatedUnusedNum, LowUtilMnum, UsedMeg, AllocatedUnusedMeg, ExcessGs);
    }
}
