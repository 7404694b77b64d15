using NationalAiEval.Api.Auth;

namespace NationalAiEval.Api.Enforcement;

public static class EnforcementEndpoints
{
    public static void MapEnforcement(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/v1/pools/{pool}/slurm/limits", async (string pool, string? cluster, Caller caller, SlurmLimits limits, CancellationToken ct) =>
                Results.Text(await limits.ScriptAsync(pool, SlurmLimits.ParseCluster(cluster), caller, ct), "text/plain; charset=utf-8"))
            .WithTags("Enforcement")
            .RequireAuthorization(Policies.PoolReader)
            .Produces<string>(StatusCodes.Status200OK, "text/plain")
            .WithName("GetSlurmLimits")
            .WithSummary("sacctmgr commands that set each mapped account's GrpTRESMins to its team's remaining GPU-minutes on this pool.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
}
