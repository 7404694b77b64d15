using Microsoft.AspNetCore.Http.HttpResults;
using NationalAiEval.Api.Auth;
using NationalAiEval.Api.Infrastructure.Http;

namespace NationalAiEval.Api.Planning;

public static class PlanningEndpoints
{
    public static void MapPlanning(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/stages/{stage}/plan").WithTags("Planning");

        group.MapGet("/capacity", async Task<Ok<CapacityAnalysis>> (string stage, StagePlanner planner, CancellationToken ct) =>
                TypedResults.Ok(await planner.CapacityAsync(stage, ct)))
            .RequireAuthorization(Policies.ManagerOrFinance)
            .WithName("GetPlanCapacity")
            .WithSummary("The largest equivalent GPU-hours every active team can still reach, and when it is short of the entitlement, the bottlenecks and the lease that would close it.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/preview", async Task<Ok<PlanView>> (string stage, PlanRequest request, Caller caller, StagePlanner planner, HttpResponse response, CancellationToken ct) =>
            {
                var (view, etag) = await planner.PreviewAsync(stage, request, caller, ct);
                response.Headers.ETag = etag;
                return TypedResults.Ok(view);
            })
            .RequireAuthorization(Policies.Manager)
            .WithName("PreviewPlan")
            .WithSummary("A plan that gives every active team the entitlement from now on (whole GPUs or nodes), or with whatIf, as if teams joined, left or leases changed. Nothing is written but the preview.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/commit", async Task<Ok<PlanCommitted>> (string stage, CommitPlanRequest request, Caller caller, StagePlanner planner, HttpRequest http, CancellationToken ct) =>
                TypedResults.Ok(await planner.CommitAsync(stage, request, IfMatch.Read(http), caller, ct)))
            .RequireAuthorization(Policies.Manager)
            .WithName("CommitPlan")
            .WithSummary("Create a previewed plan's allocations atomically; If-Match carries the preview's ETag, refused (412) if anything changed since.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed).ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired);
    }
}
