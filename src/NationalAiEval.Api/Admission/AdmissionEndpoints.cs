using Microsoft.AspNetCore.Http.HttpResults;
using NationalAiEval.Api.Auth;
using NationalAiEval.Api.Participations;
using NationalAiEval.Core.Allocations;

namespace NationalAiEval.Api.Admission;

/// <summary>Admitting a team to a stage and ending its participation (elimination, withdrawal).</summary>
public static class AdmissionEndpoints
{
    public static void MapAdmissions(this IEndpointRouteBuilder app)
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

        MapEnd(group, "elimination", ParticipationStatus.Eliminated, "EliminateTeam",
            "Eliminate a team at an instant: cut its allocations there, forfeit its GPU balance, cancel its undrawn data grant.");
        MapEnd(group, "withdrawal", ParticipationStatus.Withdrawn, "WithdrawTeam",
            "Record a team's withdrawal at an instant, with the same effects as an elimination.");
    }

    /// <summary>An end of participation: the two kinds differ only in the status they record.</summary>
    private static void MapEnd(RouteGroupBuilder group, string route, ParticipationStatus outcome, string name, string summary) =>
        group.MapPost($"/{{team}}/{route}", async Task<Ok<ParticipationEnded>> (
                string stage, string team, EndParticipationRequest request, Caller caller, Admissions admissions, CancellationToken ct) =>
                TypedResults.Ok(await admissions.EndAsync(stage, team, outcome, request, caller, ct)))
            .RequireAuthorization(Policies.Manager)
            .WithName(name).WithSummary(summary)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
}
