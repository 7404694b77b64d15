using Microsoft.AspNetCore.Http.HttpResults;
using NationalAiEval.Api.Auth;
using NationalAiEval.Api.Infrastructure.Http;

namespace NationalAiEval.Api.Stages;

public static class StagesEndpoints
{
    public static void MapStages(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/stages").WithTags("Stages");

        group.MapPost("/", async Task<Created<StageView>> (CreateStageRequest request, Caller caller, StageStore stages, HttpResponse response, CancellationToken ct) =>
            {
                var stage = await stages.CreateAsync(request, caller, ct);
                ETags.Set(response, 1);
                return TypedResults.Created($"/api/v1/stages/{stage.Code}", stage);
            })
            .RequireAuthorization(Policies.Manager)
            .WithName("CreateStage").WithSummary("Create a stage: start date, duration, per-team entitlement (equivalent GPU-hours) and data grant (KRW).")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict);

        group.MapGet("/", async Task<Ok<Page<StageView>>> (string? limit, string? after, StageStore stages, CancellationToken ct) =>
                TypedResults.Ok(await stages.ListAsync(PageRequest.Parse(limit, after), ct)))
            .RequireAuthorization(Policies.TeamReader)
            .WithName("ListStages").WithSummary("List stages.");

        group.MapGet("/{stage}", async Task<Ok<StageView>> (string stage, StageStore stages, HttpResponse response, CancellationToken ct) =>
            {
                var (view, version) = await stages.GetAsync(stage, ct);
                ETags.Set(response, version);
                return TypedResults.Ok(view);
            })
            .RequireAuthorization(Policies.TeamReader)
            .WithName("GetStage").WithSummary("One stage.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPatch("/{stage}", async Task<Ok<StageView>> (string stage, UpdateStageRequest request, Caller caller, StageStore stages, HttpRequest http, HttpResponse response, CancellationToken ct) =>
            {
                var (view, version) = await stages.UpdateAsync(stage, request, IfMatch.Read(http), caller, ct);
                ETags.Set(response, version);
                return TypedResults.Ok(view);
            })
            .RequireAuthorization(Policies.Manager)
            .WithName("UpdateStage").WithSummary("Rename a stage, or change its terms before anyone is admitted; needs If-Match.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed).ProducesProblem(StatusCodes.Status428PreconditionRequired);

        group.MapGet("/{stage}/equality", async Task<Ok<EqualityView>> (string stage, StageEquality equality, CancellationToken ct) =>
                TypedResults.Ok(await equality.ProveAsync(stage, ct)))
            .RequireAuthorization(Policies.ManagerOrFinance)
            .WithName("ProveEquality").WithSummary("Per participation, its granted entitlement and window length from the ledger, and whether all are equal.")
            .ProducesProblem(StatusCodes.Status404NotFound);
    }
}
