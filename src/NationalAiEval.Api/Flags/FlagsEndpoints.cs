using Microsoft.AspNetCore.Http.HttpResults;
using NationalAiEval.Api.Auth;
using NationalAiEval.Api.Infrastructure.Http;

namespace NationalAiEval.Api.Flags;

public static class FlagsEndpoints
{
    public static void MapFlags(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/flags").WithTags("Flags");

        group.MapGet("/", async Task<Ok<Page<FlagView>>> (
                string? kind, string? status, string? team, string? pool, string? from, string? to, string? limit, string? after,
                Caller caller, FlagBook flags, CancellationToken ct) =>
                TypedResults.Ok(await flags.ListAsync(FlagQuery.Parse(kind, status, team, pool, from, to), PageRequest.Parse(limit, after), caller, ct)))
            .RequireAuthorization(Policies.AllocationReader)
            .WithName("ListFlags").WithSummary("Flags, filtered; a team sees its own, a provider those of its pools.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/{id:long}", async Task<Ok<FlagView>> (long id, Caller caller, FlagBook flags, CancellationToken ct) =>
                TypedResults.Ok(await flags.GetAsync(id, caller, ct)))
            .RequireAuthorization(Policies.AllocationReader)
            .WithName("GetFlag").WithSummary("One flag.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/{id:long}/acknowledgement", async Task<Ok<FlagView>> (long id, FlagCommentRequest request, Caller caller, FlagBook flags, CancellationToken ct) =>
                TypedResults.Ok(await flags.AcknowledgeAsync(id, request, caller, ct)))
            .RequireAuthorization(Policies.Manager)
            .WithName("AcknowledgeFlag").WithSummary("Acknowledge an open flag with a comment: seen, being handled.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);

        group.MapPost("/{id:long}/resolution", async Task<Ok<FlagView>> (long id, FlagCommentRequest request, Caller caller, FlagBook flags, CancellationToken ct) =>
                TypedResults.Ok(await flags.ResolveAsync(id, request, caller, ct)))
            .RequireAuthorization(Policies.Manager)
            .WithName("ResolveFlag").WithSummary("Resolve a flag with a comment. New evidence for the same cause opens a new flag.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
    }
}
