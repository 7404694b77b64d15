using Microsoft.Net.Http.Headers;
using NationalAiEval.Api.Auth;
using NationalAiEval.Api.Infrastructure.Http;
using NationalAiEval.Api.Infrastructure.OpenApi;

namespace NationalAiEval.Api.Reports;

public static class ReportsEndpoints
{
    public static void MapReports(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/v1/reports/waste", async (string? from, string? to, string? groupBy, string? format, HttpContext http, WasteReportReader reader, CancellationToken ct) =>
            {
                var csv = WantsCsv(http.Request, format);
                var report = await reader.ReadAsync(WasteQuery.Parse(from, to, groupBy), ct);
                if (!csv)
                {
                    return Results.Ok(report);
                }

                return Results.Stream(
                    stream => WasteCsv.WriteAsync(report, stream, ct), WasteCsv.ContentType, $"waste-{report.From}-{report.To}-by-{string.Join("-", report.GroupBy)}.csv");
            })
            .WithTags("Reports")
            .RequireAuthorization(Policies.ManagerOrFinance)
            .WithName("GetWasteReport")
            .WithSummary("Budget waste per month in the programme's zone (yyyy-MM, from and to included; default: from the first lease to this month), grouped by pool, provider, month, team or cause (comma-separated). JSON, or CSV with Accept: text/csv or format=csv.")
            .Produces<WasteReport>(StatusCodes.Status200OK, "application/json")
            .WithMetadata(CsvAlternative.Instance)
            .ProducesValidationProblem();

    /// <summary>
    /// CSV when <c>format=csv</c>, or when the client prefers text/csv to JSON in Accept (a link in a browser cannot set
    /// Accept, so the query parameter is there too).
    /// </summary>
    private static bool WantsCsv(HttpRequest request, string? format)
    {
        if (format is not null)
        {
            return format.ToLowerInvariant() switch
            {
                "csv" => true,
                "json" => false,
                _ => throw Problems.Validation("format", "must be csv or json."),
            };
        }

        var accepted = request.GetTypedHeaders().Accept;
        (double Quality, int Index) Preference(Func<MediaTypeHeaderValue, bool> matches)
        {
            var index = accepted.ToList().FindIndex(a => matches(a));
            return index < 0 ? (0, int.MaxValue) : (accepted[index].Quality ?? 1, index);
        }

        var csv = Preference(a => a.MediaType.Equals("text/csv", StringComparison.OrdinalIgnoreCase));
        var json = Preference(a => a.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) || a.MediaType.Equals("*/*", StringComparison.Ordinal));
        return csv.Quality > json.Quality || (csv.Quality > 0 && csv.Quality == json.Quality && csv.Index < json.Index);
    }
}
