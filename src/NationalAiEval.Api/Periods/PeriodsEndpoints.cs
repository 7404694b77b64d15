using Microsoft.AspNetCore.Http.HttpResults;
using NationalAiEval.Api.Auth;
using NationalAiEval.Api.Infrastructure.Http;

namespace NationalAiEval.Api.Periods;

public static class PeriodsEndpoints
{
    public static void MapPeriods(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/periods").WithTags("Reports").RequireAuthorization(Policies.ManagerOrFinance);

        group.MapGet("/", async Task<Ok<Page<PeriodView>>> (string? limit, string? after, PeriodBook periods, CancellationToken ct) =>
                TypedResults.Ok(await periods.ListAsync(PageRequest.Parse(limit, after), ct)))
            .WithName("ListPeriods").WithSummary("The closed months, in the order they were closed, with who closed them and when.")
            .ProducesValidationProblem();

        group.MapPost("/{period}/close", async Task<Ok<PeriodView>> (string period, Caller caller, PeriodBook periods, CancellationToken ct) =>
                TypedResults.Ok(await periods.CloseAsync(PeriodBook.ParsePeriod(period), caller, ct)))
            .WithName("ClosePeriod")
            .WithSummary("Close a month (yyyy-MM, programme zone) once it has ended: its waste report is frozen, and anything arriving later for it is reported as an adjustment in the first open month. Months close in order.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict);
    }
}
