using Hangfire;
using Hangfire.InMemory;
using Hangfire.SqlServer;
using Hangfire.Storage;
using Microsoft.Extensions.DependencyInjection;
using NationalAiEval.Api.Tests.Infrastructure;

namespace NationalAiEval.Api.Tests.Jobs;

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
            Assert.Equal(["detect-idle", "forecast", "reconcile-usage", "reprice-idle"], connection.GetRecurringJobs().Select(j => j.Id).Order());
        }

        await using var quiet = await TestApp.StartAsync(Kind, settings: new Dictionary<string, string?> { ["Jobs:Recurring"] = "false" });
        using var quietConnection = quiet.Services.GetRequiredService<JobStorage>().GetConnection();
        Assert.Empty(quietConnection.GetRecurringJobs());
    }
}

public sealed class RecurringJobListTests : IAsyncLifetime
{
    private TestApp _app = null!;

    public async ValueTask InitializeAsync() => _app = await TestApp.StartAsync(DatabaseKind.Sqlite);

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    /// <summary>The one list of jobs is what Hangfire schedules (with the declared cron) and what a manager can run now.</summary>
    [Fact]
    public async Task EveryDeclaredJob_IsScheduledWithItsCron_AndRunsNowThroughTheApi()
    {
        using var connection = _app.Services.GetRequiredService<JobStorage>().GetConnection();
        var scheduled = connection.GetRecurringJobs().ToDictionary(j => j.Id, j => j.Cron);

        Assert.Equal(NationalAiEval.Api.Infrastructure.Jobs.RecurringJobs.All.ToDictionary(j => j.Id, j => j.Schedule), scheduled);
        foreach (var job in NationalAiEval.Api.Infrastructure.Jobs.RecurringJobs.All)
        {
            await (await _app.Manager.PostAsync($"/api/v1/jobs/{job.Id}/runs", null)).ExpectAsync(System.Net.HttpStatusCode.OK);
        }
    }

    [Fact]
    public void TheReadme_ListsEveryJob_WithItsSchedule()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "README.md"));

        Assert.All(NationalAiEval.Api.Infrastructure.Jobs.RecurringJobs.All,
            job => Assert.Contains($"| `{job.Id}` | `{job.Schedule}` |", readme, StringComparison.Ordinal));
    }
}

public sealed class JobStorageOnSqlite() : JobStorageTests(DatabaseKind.Sqlite);

public sealed class JobStorageOnSqlServer() : JobStorageTests(DatabaseKind.SqlServer);
