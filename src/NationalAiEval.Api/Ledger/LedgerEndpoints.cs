using Microsoft.AspNetCore.Http.HttpResults;
using NationalAiEval.Api.Auth;
using NationalAiEval.Api.Infrastructure.Http;

namespace NationalAiEval.Api.Ledger;

public static class LedgerEndpoints
{
    public static void MapLedger(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/v1/teams/{team}/ledger", async Task<Ok<Page<LedgerEntryView>>> (
                string team, string? stage, string? limit, string? after, Caller caller, LedgerReader ledger, CancellationToken ct) =>
                TypedResults.Ok(await ledger.ListAsync(team, stage, PageRequest.Parse(limit, after), caller, ct)))
            .WithTags("Ledger")
            .RequireAuthorization(Policies.TeamReader)
            .WithName("GetLedger").WithSummary("A team's ledger entries, oldest first: grants, usage, adjustments, forfeits.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
}
