using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using NationalAiEval.Api.Auth;

namespace NationalAiEval.Api.Quota;

public static class QuotaEndpoints
{
    public static void MapQuota(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/v1/teams/{team}/quota", async (string team, Caller caller, QuotaReader quota, IOptions<JsonOptions> json, CancellationToken ct) =>
                Results.Bytes(await quota.ReadJsonAsync(team, caller, json.Value.SerializerOptions, ct), "application/json"))
            .WithTags("Quota")
            .RequireAuthorization(Policies.TeamReader)
            .WithName("GetQuota").WithSummary("A team's entitlement, allocations and what is still to allocate, per stage; another team's key gets 404.")
            .Produces<QuotaView>()
            .ProducesProblem(StatusCodes.Status404NotFound);
}
