using Microsoft.AspNetCore.Http.HttpResults;
using NationalAiEval.Api.Auth;
using NationalAiEval.Api.Infrastructure.Http;

namespace NationalAiEval.Api.Allocations;

public static class AllocationsEndpoints
{
    public static void MapAllocations(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/allocations").WithTags("Allocations");

        group.MapPost("/", async Task<Created<AllocationView>> (CreateAllocationRequest request, Caller caller, AllocationBook book, HttpResponse response, CancellationToken ct) =>
            {
                var (view, version) = await book.CreateAsync(request, caller, ct);
                ETags.Set(response, version);
                return TypedResults.Created($"/api/v1/allocations/{view.Id}", view);
            })
            .RequireAuthorization(Policies.Manager)
            .WithName("CreateAllocation").WithSummary("Allocate GPUs of a pool to a team in a stage; 409 names the first over-committed interval.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        group.MapGet("/", async Task<Ok<Page<AllocationView>>> (
                string? stage, string? team, string? pool, string? from, string? to, string? limit, string? after, Caller caller, AllocationBook book, CancellationToken ct) =>
                TypedResults.Ok(await book.ListAsync(AllocationQuery.Parse(stage, team, pool, from, to), PageRequest.Parse(limit, after), caller, ct)))
            .RequireAuthorization(Policies.AllocationReader)
            .WithName("ListAllocations").WithSummary("Allocations overlapping [from, to); a team sees its own, a provider those on its pools.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/{id:long}", async Task<Ok<AllocationView>> (long id, Caller caller, AllocationBook book, HttpResponse response, CancellationToken ct) =>
            {
                var (view, version) = await book.GetAsync(id, caller, ct);
                ETags.Set(response, version);
                return TypedResults.Ok(view);
            })
            .RequireAuthorization(Policies.AllocationReader)
            .WithName("GetAllocation").WithSummary("One allocation.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPatch("/{id:long}", async Task<Ok<AllocationView>> (long id, ShortenAllocationRequest request, Caller caller, AllocationBook book, HttpRequest http, HttpResponse response, CancellationToken ct) =>
            {
                var (view, version) = await book.ShortenAsync(id, request, IfMatch.Read(http), caller, ct);
                ETags.Set(response, version);
                return TypedResults.Ok(view);
            })
            .RequireAuthorization(Policies.Manager)
            .WithName("ShortenAllocation").WithSummary("Move an allocation's end earlier (not before now); needs If-Match.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity).ProducesProblem(StatusCodes.Status428PreconditionRequired);

        group.MapDelete("/{id:long}", async Task<NoContent> (long id, Caller caller, AllocationBook book, HttpRequest http, CancellationToken ct) =>
            {
                await book.DeleteAsync(id, IfMatch.Read(http), caller, ct);
                return TypedResults.NoContent();
            })
            .RequireAuthorization(Policies.Manager)
            .WithName("DeleteAllocation").WithSummary("Delete an allocation that has not started yet.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status412PreconditionFailed);
    }
}
