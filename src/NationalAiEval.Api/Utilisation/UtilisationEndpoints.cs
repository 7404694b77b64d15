using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using NationalAiEval.Api.Auth;
using NationalAiEval.Api.Infrastructure.Http;
using NationalAiEval.Api.Infrastructure.Limits;
using NationalAiEval.Api.Pools;
using NationalAiEval.Api.Usage;
using NationalAiEval.Core.Utilisation;
using NodaTime;

namespace NationalAiEval.Api.Utilisation;

public static class UtilisationEndpoints
{
    public static void MapUtilisation(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/pools/{pool}/usage/dcgm", async Task<Ok<DcgmIngestionSummary>> (
                string pool, string? scrapedAt, HttpRequest http, Caller caller, PoolStore pools, DcgmWriter writer, CancellationToken ct) =>
            {
                await pools.EnsureVisibleAsync(pool, caller, ct);
                var v = new Validator();
                var scraped = v.QueryInstant(scrapedAt, "scrapedAt");
                v.ThrowIfInvalid();
                var text = await TextUpload.ReadAsync(http, "the DCGM exporter's /metrics text (Prometheus exposition format 0.0.4)", reader => reader.ReadToEndAsync(ct));

                var scrape = Read(text, scraped is { } at ? Unix.Seconds(at) : null);
                return TypedResults.Ok(await writer.WriteAsync(pool, scrape, caller, ct));
            })
            .Accepts<string>("text/plain")
            .WithMetadata(LimitsSetup.UploadMetadata.Instance)
            .WithTags("Usage")
            .RequireAuthorization(Policies.UsageWriter)
            .WithName("IngestDcgm")
            .WithSummary("Report GPU utilisation as scraped from NVIDIA's DCGM exporter (DCGM_FI_DEV_GPU_UTIL, DCGM_FI_PROF_GR_ENGINE_ACTIVE); scrapedAt dates samples without their own timestamp.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

        app.MapGet("/api/v1/pools/{pool}/utilisation", async Task<Ok<UtilisationSeriesView>> (
                string pool, string? from, string? to, string? granularity, Caller caller, UtilisationReader reader, CancellationToken ct) =>
                TypedResults.Ok(await reader.ReadAsync(pool, SeriesQuery.Parse(from, to, granularity), caller, ct)))
            .WithTags("Reports")
            .RequireAuthorization(Policies.PoolReader)
            .WithName("GetPoolUtilisation")
            .WithSummary("A pool's leased, allocated and used GPU-hours and its idle by cause per hour, day or month (default: days of the last 30), for charts.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
    }

    /// <summary>The text's readings; the bounds every intake shares (time, leases) are the writer's.</summary>
    private static DcgmScrape Read(string text, long? scrapedAtUnix)
    {
        try
        {
            return DcgmReadings.Read(PrometheusText.Parse(text), scrapedAtUnix);
        }
        catch (PrometheusFormatException ex)
        {
            throw Problems.MalformedLine(ex.LineNumber, ex.Reason);
        }
    }
}
