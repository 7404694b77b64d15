using Microsoft.AspNetCore.Http.HttpResults;
using NationalAiEval.Api.Auth;

namespace NationalAiEval.Api.Quota;

public static class QuotaEndpoints
{
    public static void MapQuota(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/v1/teams/{team}/quota", async Task<Ok<QuotaView>> (string team, Caller caller, QuotaReader quota, CancellationToken ct) =>
                TypedResults.Ok(await quota.ReadAsync(team, caller, ct)))
            .WithTags("Quota")
            .RequireAuthorization(Policies.TeamReader)
            .WithName("GetQuota").WithSummary("A team's entitlement, allocations and what is still to allocate, per stage; another team's key gets 404.")
            .ProducesProblem(StatusCodes.Status404NotFound);
}
