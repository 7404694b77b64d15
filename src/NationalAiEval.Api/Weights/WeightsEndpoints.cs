using Microsoft.AspNetCore.Http.HttpResults;
using NationalAiEval.Api.Auth;

namespace NationalAiEval.Api.Weights;

public static class WeightsEndpoints
{
    public static void MapWeights(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/weights").WithTags("Weights");

        group.MapGet("/", async Task<Ok<WeightsView>> (WeightStore weights, CancellationToken ct) => TypedResults.Ok(await weights.GetAsync(ct)))
            .RequireAuthorization(Policies.AnyKey)
            .WithName("GetWeights").WithSummary("Equivalence weights per GPU model (per-mille of B200): in force now, and every version.");

        group.MapPut("/", async Task<Ok<WeightsView>> (SetWeightsRequest request, Caller caller, WeightStore weights, CancellationToken ct) =>
                TypedResults.Ok(await weights.SetAsync(request, caller, ct)))
            .RequireAuthorization(Policies.Manager)
            .WithName("SetWeights").WithSummary("Set weights for some GPU models from a date (today or later).")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status422UnprocessableEntity);
    }
}
