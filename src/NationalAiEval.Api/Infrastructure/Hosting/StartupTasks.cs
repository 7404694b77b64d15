using Hangfire;
using NationalAiEval.Api.Demo;
using NationalAiEval.Api.Infrastructure.Database;
using NationalAiEval.Api.Infrastructure.Jobs;
using NationalAiEval.Api.Reconciliation;

namespace NationalAiEval.Api.Infrastructure.Hosting;

/// <summary>
/// Migrates the database (and loads the demo when asked) before the server takes requests. A hosted service, not
/// code in Main, so that building the app alone (tests, OpenAPI generation) has no side effects.
/// </summary>
public sealed class StartupTasks(
    Migrator migrator, DemoLoader demo, ReadinessState readiness, IConfiguration configuration, IRecurringJobManager recurringJobs,
    RecordQuarantine quarantine, ILogger<StartupTasks> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var loadDemo = configuration.GetValue<bool>("Demo:Enabled");
        if (loadDemo)
        {
            demo.ResetDatabase();
        }

        migrator.Migrate();

        // Records stored before the intake bounds existed (or before one was tightened) wait to be quarantined.
        var outOfBounds = await quarantine.RecheckStoredAsync(cancellationToken);
        if (outOfBounds > 0)
        {
            logger.LogWarning("{Records} stored usage records break the intake bounds; reconciliation will quarantine them", outOfBounds);
        }

        if (loadDemo)
        {
            await demo.LoadAsync(cancellationToken);
        }

        // Registered at every start, after migrating: with in-memory job storage nothing else remembers them.
        // Jobs:Recurring=false leaves the schedule to others (another instance, or a benchmark that runs jobs itself).
        var recurring = configuration.GetValue("Jobs:Recurring", true);
        foreach (var job in RecurringJobs.All)
        {
            if (recurring)
            {
                job.Register(recurringJobs);
            }
            else
            {
                recurringJobs.RemoveIfExists(job.Id);
            }
        }

        readiness.MarkReady();
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>Whether start-up tasks have finished; /health/ready reports it.</summary>
public sealed class ReadinessState
{
    private volatile bool _ready;

    public bool IsReady => _ready;

    public void MarkReady() => _ready = true;
}
