using Hangfire;
using Hangfire.InMemory;
using Hangfire.SqlServer;
using Hangfire.Storage;
using Microsoft.Extensions.DependencyInjection;
using NationalAiEval.Api.Tests.Infrastructure;

namespace NationalAiEval.Api.Tests;

/// <summary>Hangfire's storage follows the database choice: in memory beside SQLite, SQL Server beside SQL Server.</summary>
public abstract class JobStorageTests(DatabaseKind kind) : ApiTest(kind)
{
    [Fact]
    public void JobStorage_FollowsTheDatabase()
    {
        var storage = App.Services.GetRequiredService<JobStorage>();

        Assert.IsType(Kind == DatabaseKind.Sqlite ? typeof(InMemoryStorage) : typeof(SqlServerStorage), storage);
    }

    [Fact]
    public async Task RecurringJobs_AreScheduledAtStart_UnlessJobsRecurringIsFalse()
    {
        using (var connection = App.Services.GetRequiredService<JobStorage>().GetConnection())
        {
            Assert.Equal(["detect-idle", "forecast", "reconcile-usage"], connection.GetRecurringJobs().Select(j => j.Id).Order());
        }

        await using var quiet = await TestApp.StartAsync(Kind, settings: new Dictionary<string, string?> { ["Jobs:Recurring"] = "false" });
        using var quietConnection = quiet.Services.GetRequiredService<JobStorage>().GetConnection();
        Assert.Empty(quietConnection.GetRecurringJobs());
    }
}

public sealed class JobStorageOnSqlite() : JobStorageTests(DatabaseKind.Sqlite);

public sealed class JobStorageOnSqlServer() : JobStorageTests(DatabaseKind.SqlServer);
