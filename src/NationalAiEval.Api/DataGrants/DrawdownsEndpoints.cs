using Microsoft.AspNetCore.Http.HttpResults;
using NationalAiEval.Api.Auth;

namespace NationalAiEval.Api.DataGrants;

public static class DrawdownsEndpoints
{
    public static void MapDrawdowns(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/stages/{stage}/participations/{team}/drawdowns").WithTags("Data grants");

        group.MapPost("/", async Task<Created<DrawdownView>> (string stage, string team, DrawdownRequest request, Caller caller, DrawdownBook book, CancellationToken ct) =>
            {
                var view = await book.RecordAsync(stage, team, request, caller, ct);
                return TypedResults.Created($"/api/v1/stages/{stage}/participations/{team}/drawdowns", view);
            })
            .RequireAuthorization(Policies.Manager)
            .WithName("RecordDrawdown").WithSummary("Record money drawn from a team's data grant; refused beyond what remains.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        group.MapGet("/", async Task<Ok<DrawdownsView>> (string stage, string team, Caller caller, DrawdownBook book, CancellationToken ct) =>
                TypedResults.Ok(await book.ListAsync(stage, team, caller, ct)))
            .RequireAuthorization(Policies.TeamReader)
            .WithName("ListDrawdowns").WithSummary("A team's drawdowns and what remains of its data grant; a team sees its own.")
            .ProducesProblem(StatusCodes.Status404NotFound);
    }
}
