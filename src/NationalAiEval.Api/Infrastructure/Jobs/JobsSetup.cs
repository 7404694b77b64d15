using Hangfire;
using Hangfire.InMemory;
using Hangfire.SqlServer;
using NationalAiEval.Api.Auth;
using NationalAiEval.Api.Infrastructure.Database;

namespace NationalAiEval.Api.Infrastructure.Jobs;

/// <summary>
/// Hangfire's storage follows the database: in memory with SQLite (every job is idempotent and recurring jobs are
/// registered at start, so job state need not survive a restart), SQL Server with SQL Server, where several
/// instances share the queue. The dashboard is for managers only.
/// </summary>
public static class JobsSetup
{
    public const string DashboardPath = "/hangfire";

    public static void AddJobs(this IServiceCollection services, DatabaseSettings database)
    {
        ArgumentNullException.ThrowIfNull(database);
        services.AddHangfire(configuration =>
        {
            configuration
                .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
                .UseSimpleAssemblyNameTypeSerializer()
                .UseRecommendedSerializerSettings();
            if (database.Provider == DatabaseProvider.SqlServer)
            {
                configuration.UseSqlServerStorage(database.ConnectionString, new SqlServerStorageOptions { PrepareSchemaIfNecessary = true });
            }
            else
            {
                configuration.UseInMemoryStorage(new InMemoryStorageOptions());
            }
        });
        services.AddHangfireServer(options => options.WorkerCount = Math.Max(2, Environment.ProcessorCount));
    }

    public static void MapJobsDashboard(this IEndpointRouteBuilder app) =>
        app.MapHangfireDashboardWithAuthorizationPolicy(Policies.Manager, DashboardPath);
}
