using Microsoft.Extensions.DependencyInjection;
using NationalAiEval.Api.Infrastructure.Database;

namespace NationalAiEval.Api.Tests.Infrastructure;

/// <summary>Reads the service's database directly, to check what was stored rather than what was answered.</summary>
public static class DatabaseProbe
{
    public static readonly string[] Tables =
    [
        "team", "pool", "lease_line", "scheduler_account", "equivalence_weight", "stage", "participation", "participation_excluded_pool",
        "allocation", "ledger_entry", "api_key", "api_key_pool", "audit_entry", "idle_fact", "idle_team_fact", "idle_dirty", "utilisation_sample",
        "closed_period", "period_fact",
    ];

    public static async Task<IReadOnlyList<T>> QueryAsync<T>(this TestApp app, string sql, object? parameters = null)
    {
        await using var session = await app.Services.GetRequiredService<Db>().ReadAsync();
        return (await session.QueryAsync<T>(Sql.Portable(sql), parameters)).ToList();
    }

    /// <summary>Row counts of every table: equal before and after means a refused request wrote nothing.</summary>
    public static async Task<Dictionary<string, long>> RowCountsAsync(this TestApp app)
    {
        var counts = new Dictionary<string, long>();
        foreach (var table in Tables)
        {
            counts[table] = (await app.QueryAsync<long>($"SELECT COUNT(*) FROM {table}")).Single();
        }

        return counts;
    }
}
