using Microsoft.AspNetCore.Http.HttpResults;
using NationalAiEval.Api.Auth;
using NationalAiEval.Api.Infrastructure.Http;

namespace NationalAiEval.Api.Teams;

public static class TeamsEndpoints
{
    public static void MapTeams(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/teams").WithTags("Teams");

        group.MapPost("/", async Task<Created<TeamView>> (CreateTeamRequest request, Caller caller, TeamStore teams, CancellationToken ct) =>
            {
                var team = await teams.CreateAsync(request, caller, ct);
                return TypedResults.Created($"/api/v1/teams/{team.Code}", team);
            })
            .RequireAuthorization(Policies.Manager)
            .WithName("CreateTeam").WithSummary("Register a team.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict);

        group.MapGet("/", async Task<Ok<Page<TeamView>>> (string? limit, string? after, Caller caller, TeamStore teams, CancellationToken ct) =>
                TypedResults.Ok(await teams.ListAsync(caller, PageRequest.Parse(limit, after), ct)))
            .RequireAuthorization(Policies.TeamReader)
            .WithName("ListTeams").WithSummary("List teams; a team key sees only its own team.");

        group.MapGet("/{team}", async Task<Ok<TeamView>> (string team, Caller caller, TeamStore teams, CancellationToken ct) =>
                TypedResults.Ok(await teams.GetAsync(team, caller, ct)))
            .RequireAuthorization(Policies.TeamReader)
            .WithName("GetTeam").WithSummary("One team.")
            .ProducesProblem(StatusCodes.Status404NotFound);
    }
}
