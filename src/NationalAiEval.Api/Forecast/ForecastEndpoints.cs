using Microsoft.AspNetCore.Http.HttpResults;
using NationalAiEval.Api.Auth;

namespace NationalAiEval.Api.Forecast;

public static class ForecastEndpoints
{
    public static void MapForecast(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/v1/forecast", async Task<Ok<ForecastView>> (string? asOf, string? until, ForecastReader forecast, CancellationToken ct) =>
                TypedResults.Ok(await forecast.ReadAsync(ForecastQuery.Parse(asOf, until), ct)))
            .WithTags("Reports")
            .RequireAuthorization(Policies.ManagerOrFinance)
            .WithName("GetForecast")
            .WithSummary("Leased capacity no allocation will use from asOf (default now) to until (default the last lease's end), by cause and priced in KRW; lease lines ending within 30 days; entitlements at risk; stages short of leases.")
            .ProducesValidationProblem();
}
