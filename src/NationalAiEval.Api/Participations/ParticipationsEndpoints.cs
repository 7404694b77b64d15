using Microsoft.AspNetCore.Http.HttpResults;
using NationalAiEval.Api.Auth;
using NationalAiEval.Api.Infrastructure.Http;

namespace NationalAiEval.Api.Participations;

/// <summary>Reading participations; admitting and ending them is in the Admission feature, on the same routes.</summary>
public static class ParticipationsEndpoints
{
    public static void MapParticipations(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/stages/{stage}/participations").WithTags("Participations");

        group.MapGet("/", async Task<Ok<Page<ParticipationView>>> (string stage, string? limit, string? after, Caller caller, ParticipationReader participations, CancellationToken ct) =>
                TypedResults.Ok(await participations.ListAsync(stage, caller, PageRequest.Parse(limit, after), ct)))
            .RequireAuthorization(Policies.TeamReader)
            .WithName("ListParticipations").WithSummary("Participations of a stage; a team key sees only its own.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/{team}", async Task<Ok<ParticipationView>> (string stage, string team, Caller caller, ParticipationReader participations, CancellationToken ct) =>
                TypedResults.Ok(await participations.GetAsync(stage, team, caller, ct)))
            .RequireAuthorization(Policies.TeamReader)
            .WithName("GetParticipation").WithSummary("One team's participation in a stage.")
            .ProducesProblem(StatusCodes.Status404NotFound);
    }
}
