using NationalAiEval.Api.Auth;
using NationalAiEval.Api.Infrastructure.Http;

namespace NationalAiEval.Api.Infrastructure.Jobs;

/// <summary>
/// Runs a recurring job now and waits for it, for a manager who cannot wait for its schedule (and for tests and the
/// demo). The jobs are idempotent, so running one beside its scheduled run is safe.
/// </summary>
public static class JobRunEndpoints
{
    public static void MapJobRuns(this IEndpointRouteBuilder app) =>
        app.MapPost("/api/v1/jobs/{job}/runs", async (string job, IServiceProvider services, CancellationToken ct) =>
                Results.Ok(await (RecurringJobs.Find(job) ?? throw Problems.NotFound("job", job)).RunNow(services, ct)))
            .WithTags("Jobs")
            .RequireAuthorization(Policies.Manager)
            .WithName("RunJob")
            .WithSummary($"Run a recurring job now and wait for it: {string.Join(", ", RecurringJobs.All.Select(j => j.Id))}. Returns the job's summary.");
}
