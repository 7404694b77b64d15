using NationalAiEval.Api.Auth;
using NationalAiEval.Api.Forecast;
using NationalAiEval.Api.Idle;
using NationalAiEval.Api.Infrastructure.Http;
using NationalAiEval.Api.Reconciliation;

namespace NationalAiEval.Api.Infrastructure.Jobs;

/// <summary>
/// Runs a recurring job now and waits for it, for a manager who cannot wait for its schedule (and for tests and the
/// demo). The jobs are idempotent, so running one beside its scheduled run is safe.
/// </summary>
public static class JobRunEndpoints
{
    public static readonly IReadOnlyList<string> Jobs = [ReconcileUsageJob.Id, DetectIdleJob.Id, ForecastJob.Id];

    public static void MapJobRuns(this IEndpointRouteBuilder app) =>
        app.MapPost("/api/v1/jobs/{job}/runs", async (string job, IServiceProvider services, CancellationToken ct) => job switch
            {
                ReconcileUsageJob.Id => Results.Ok(await services.GetRequiredService<ReconcileUsageJob>().RunAsync(ct)),
                DetectIdleJob.Id => Results.Ok(await services.GetRequiredService<DetectIdleJob>().RunAsync(ct)),
                ForecastJob.Id => Results.Ok(await services.GetRequiredService<ForecastJob>().RunAsync(ct)),
                _ => throw Problems.NotFound("job", job),
            })
            .WithTags("Jobs")
            .RequireAuthorization(Policies.Manager)
            .WithName("RunJob")
            .WithSummary("Run a recurring job now and wait for it: reconcile-usage, detect-idle or forecast. Returns the job's summary.");
}
