using Microsoft.AspNetCore.Http.HttpResults;
using NationalAiEval.Api.Auth;
using NationalAiEval.Api.Infrastructure.Http;
using NationalAiEval.Core.Allocations;

namespace NationalAiEval.Api.Participations;

public static class ParticipationsEndpoints
{
    public static void MapParticipations(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/stages/{stage}/participations").WithTags("Participations");

        group.MapPost("/", async Task<Created<ParticipationView>> (string stage, AdmitRequest request, Caller caller, Admissions admissions, CancellationToken ct) =>
            {
                var view = await admissions.AdmitAsync(stage, request, caller, ct);
                return TypedResults.Created($"/api/v1/stages/{stage}/participations/{view.Team}", view);
            })
            .RequireAuthorization(Policies.Manager)
            .WithName("AdmitTeam").WithSummary("Admit a team to a stage; posts the stage's entitlement and data grant to its ledger.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        group.MapGet("/", async Task<Ok<Page<ParticipationView>>> (string stage, string? limit, string? after, Caller caller, Admissions admissions, CancellationToken ct) =>
                TypedResults.Ok(await admissions.ListAsync(stage, caller, PageRequest.Parse(limit, after), ct)))
            .RequireAuthorization(Policies.TeamReader)
            .WithName("ListParticipations").WithSummary("Participations of a stage; a team key sees only its own.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/{team}", async Task<Ok<ParticipationView>> (string stage, string team, Caller caller, Admissions admissions, CancellationToken ct) =>
                TypedResults.Ok(await admissions.GetAsync(stage, team, caller, ct)))
            .RequireAuthorization(Policies.TeamReader)
            .WithName("GetParticipation").WithSummary("One team's participation in a stage.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/{team}/elimination", async Task<Ok<ParticipationEnded>> (string stage, string team, EndParticipationRequest request, Caller caller, Admissions admissions, CancellationToken ct) =>
                TypedResults.Ok(await admissions.EndAsync(stage, team, ParticipationStatus.Eliminated, request, caller, ct)))
            .RequireAuthorization(Policies.Manager)
            .WithName("EliminateTeam").WithSummary("Eliminate a team at an instant: cut its allocations there, forfeit its GPU balance, cancel its undrawn data grant.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        group.MapPost("/{team}/withdrawal", async Task<Ok<ParticipationEnded>> (string stage, string team, EndParticipationRequest request, Caller caller, Admissions admissions, CancellationToken ct) =>
                TypedResults.Ok(await admissions.EndAsync(stage, team, ParticipationStatus.Withdrawn, request, caller, ct)))
            .RequireAuthorization(Policies.Manager)
            .WithName("WithdrawTeam").WithSummary("Record a team's withdrawal at an instant, with the same effects as an elimination.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
    }
}
