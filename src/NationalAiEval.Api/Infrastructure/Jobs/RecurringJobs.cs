using System.Linq.Expressions;
using Hangfire;
using NationalAiEval.Api.Forecast;
using NationalAiEval.Api.Idle;
using NationalAiEval.Api.Reconciliation;

namespace NationalAiEval.Api.Infrastructure.Jobs;

/// <summary>
/// A recurring job, declared once: its stable id, its schedule (cron, UTC), what it does in a sentence, how Hangfire
/// runs it on schedule and how a manager runs it now. The scheduler (<see cref="Hosting.StartupTasks"/>), the run-now
/// endpoint (<see cref="JobRunEndpoints"/>), the README's job table and the tests all read <see cref="RecurringJobs.All"/>.
/// </summary>
public sealed record RecurringJob(
    string Id, string Schedule, string Summary, Action<IRecurringJobManager> Register, Func<IServiceProvider, CancellationToken, Task<object>> RunNow);

/// <summary>Every recurring job of the service. A new job is one line here, beside its class in its feature folder.</summary>
public static class RecurringJobs
{
    public static readonly IReadOnlyList<RecurringJob> All =
    [
        Define<ReconcileUsageJob>(ReconcileUsageJob.Id, ReconcileUsageJob.Schedule,
            "Usage records to hourly facts, ledger entries and flags; quarantines what cannot be counted; closes ends that took effect.",
            job => job.RunAsync(CancellationToken.None), async (job, ct) => await job.RunAsync(ct)),
        Define<DetectIdleJob>(DetectIdleJob.Id, DetectIdleJob.Schedule,
            "Hourly idle facts of every pool inside its leases, and the idle flags.",
            job => job.RunAsync(CancellationToken.None), async (job, ct) => await job.RunAsync(ct)),
        Define<ForecastJob>(ForecastJob.Id, ForecastJob.Schedule,
            "The forecast's flags: capacity nobody will use, lease expiries, entitlements at risk, lease shortfalls.",
            job => job.RunAsync(CancellationToken.None), async (job, ct) => await job.RunAsync(ct)),
        Define<RepriceIdleJob>(RepriceIdleJob.Id, RepriceIdleJob.Schedule,
            "Run by hand after a pricing change: every leased hour's idle facts and flags recomputed; closed months move only through adjustments.",
            job => job.RunAsync(CancellationToken.None), async (job, ct) => await job.RunAsync(ct)),
    ];

    public static RecurringJob? Find(string id) => All.FirstOrDefault(j => j.Id == id);

    private static RecurringJob Define<TJob>(
        string id, string schedule, string summary, Expression<Func<TJob, Task>> scheduled, Func<TJob, CancellationToken, Task<object>> now)
        where TJob : notnull =>
        new(id, schedule, summary,
            manager => manager.AddOrUpdate(id, scheduled, schedule),
            (services, ct) => now(services.GetRequiredService<TJob>(), ct));
}
