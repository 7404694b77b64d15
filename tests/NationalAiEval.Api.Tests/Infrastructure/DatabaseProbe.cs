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

    /// <summary>
    /// Writes to the service's database behind its back: how tests stand up data that an older version (or a bug) could
    /// store and today's API refuses, such as a record stored before the intake bounds existed.
    /// </summary>
    public static async Task<int> WriteBehindTheApiAsync(this TestApp app, string sql, object? parameters = null)
    {
        ArgumentNullException.ThrowIfNull(app);
        await using var session = await app.Services.GetRequiredService<Db>().WriteAsync();
        var rows = await session.ExecuteAsync(Sql.Portable(sql), parameters);
        await session.CommitAsync();
        return rows;
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

    /// <summary>
    /// A hash of every row of every table: equal before and after means nothing at all changed (stronger than row
    /// counts: an update shows too).
    /// </summary>
    public static async Task<string> ChecksumAsync(this TestApp app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var tables = app.Database.Kind == DatabaseKind.Sqlite
            ? await app.QueryAsync<string>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
            : await app.QueryAsync<string>("SELECT TABLE_SCHEMA + '.' + TABLE_NAME FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_TYPE = 'BASE TABLE' ORDER BY 1");
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        foreach (var table in tables)
        {
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes($"table {table}\n"));
            foreach (IDictionary<string, object?> row in await app.QueryAsync<dynamic>($"SELECT * FROM {table} ORDER BY 1"))
            {
                var line = string.Join("|", row.Select(c => $"{c.Key}={(c.Value is byte[] bytes ? Convert.ToHexString(bytes) : Convert.ToString(c.Value, System.Globalization.CultureInfo.InvariantCulture))}"));
                hash.AppendData(System.Text.Encoding.UTF8.GetBytes(line + "\n"));
            }
        }

        return Convert.ToHexString(hash.GetHashAndReset());
    }
}
