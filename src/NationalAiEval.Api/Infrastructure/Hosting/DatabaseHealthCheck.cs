using Microsoft.Extensions.Diagnostics.HealthChecks;
using NationalAiEval.Api.Infrastructure.Database;

namespace NationalAiEval.Api.Infrastructure.Hosting;

/// <summary>Ready means migrated and the database answers.</summary>
public sealed class DatabaseHealthCheck(Db db, ReadinessState readiness) : IHealthCheck
{
    private static readonly Sql Probe = Sql.Portable("SELECT COUNT(*) FROM equivalence_weight");

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!readiness.IsReady)
        {
            return HealthCheckResult.Unhealthy("Start-up tasks (migrations) have not finished.");
        }

        try
        {
            await using var session = await db.ReadAsync(cancellationToken);
            await session.ExecuteScalarAsync<long>(Probe, cancellationToken: cancellationToken);
            return HealthCheckResult.Healthy($"{db.Provider} reachable and migrated.");
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException)
        {
            return HealthCheckResult.Unhealthy($"{db.Provider} is not reachable.", ex);
        }
    }
}
