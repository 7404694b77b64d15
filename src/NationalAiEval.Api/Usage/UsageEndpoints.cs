using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using NationalAiEval.Api.Auth;
using NationalAiEval.Api.Infrastructure.Http;
using NationalAiEval.Api.Infrastructure.Limits;
using NationalAiEval.Api.Pools;
using NationalAiEval.Core.Usage;
using NodaTime;

namespace NationalAiEval.Api.Usage;

public static class UsageEndpoints
{
    public static void MapUsageIngestion(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/pools/{pool}/usage").WithTags("Usage");

        group.MapPost("/", async Task<Ok<IngestionSummary>> (
                string pool, HttpRequest http, Caller caller, PoolStore pools, UsageWriter writer, IClock clock, CancellationToken ct) =>
            {
                await pools.EnsureVisibleAsync(pool, caller, ct);
                var request = await JsonBody.ReadAsync<UsageBatchRequest>(http, ct);
                var records = UsageValidation.Validate(request, clock.GetCurrentInstant());
                return TypedResults.Ok(await writer.WriteAsync(pool, records, UsageSources.Json, caller, ct));
            })
            .Accepts<UsageBatchRequest>("application/json")
            .RequireAuthorization(Policies.UsageWriter)
            .WithName("IngestUsage").WithSummary("Report usage records for a pool (provider of the pool, or manager); idempotent on externalId.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/sacct", async Task<Ok<SacctIngestionSummary>> (
                string pool, string? timeZone, HttpRequest http, Caller caller, PoolStore pools, UsageWriter writer, IClock clock, CancellationToken ct) =>
            {
                await pools.EnsureVisibleAsync(pool, caller, ct);
                var zone = ReadZone(timeZone);
                var parsed = await TextUpload.ReadAsync(http, "the output of sacct --parsable2", reader => ParseSacctAsync(reader, zone, ct));

                var summary = await writer.WriteAsync(pool, SacctRecords(parsed), UsageSources.Sacct, caller, ct);
                return TypedResults.Ok(new SacctIngestionSummary(summary.Received, summary.Inserted, summary.Updated, summary.Unchanged, summary.Stale,
                    summary.Overridden, parsed.StepLines, parsed.NotStarted, parsed.WithoutGpus));
            })
            .Accepts<string>("text/plain")
            .WithMetadata(LimitsSetup.UploadMetadata.Instance)
            .RequireAuthorization(Policies.UsageWriter)
            .WithName("IngestSacct").WithSummary("Report usage as printed by sacct --parsable2 (with header); timeZone says how to read Slurm's local times (default UTC).")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
    }

    public static void MapTeamUsage(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/v1/teams/{team}/usage", async Task<Ok<TeamUsageView>> (
                string team, string? from, string? to, string? granularity, Caller caller, TeamUsageReader usage, CancellationToken ct) =>
                TypedResults.Ok(await usage.ReadAsync(team, SeriesQuery.Parse(from, to, granularity), caller, ct)))
            .WithTags("Usage")
            .RequireAuthorization(Policies.TeamReader)
            .WithName("GetTeamUsage").WithSummary("A team's usage per hour, day or month (default: days of the last 30), raw per pool and equivalent.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);

    private static DateTimeZone ReadZone(string? timeZone)
    {
        if (string.IsNullOrEmpty(timeZone))
        {
            return DateTimeZone.Utc;
        }

        return DateTimeZoneProviders.Tzdb.GetZoneOrNull(timeZone)
            ?? throw Problems.Validation("timeZone", "must be an IANA time zone, for example UTC or Asia/Seoul.");
    }

    private static async Task<SacctParseResult> ParseSacctAsync(TextReader reader, DateTimeZone zone, CancellationToken cancellationToken)
    {
        try
        {
            return await SacctParser.ParseAsync(reader, zone, cancellationToken);
        }
        catch (SacctFormatException ex)
        {
            throw Problems.MalformedLine(ex.LineNumber, ex.Reason);
        }
    }

    /// <summary>
    /// Jobs become records; a job twice in one text must say the same both times. The intake bounds (time range, no
    /// future, duration, leases, GPUs, account grammar) are the writer's, as for every format.
    /// </summary>
    /// <summary>The parser has already merged repeated lines of one job (or refused them with the line).</summary>
    private static List<IncomingUsage> SacctRecords(SacctParseResult parsed) =>
        [.. parsed.Jobs.Select(job => new IncomingUsage(job.ExternalId, job.Account, Unix.Seconds(job.Start), job.End is { } end ? Unix.Seconds(end) : null,
            Unix.Seconds(job.CountedUntil), job.Gpus, UsageOrigin.TextLine(job.LineNumber)) { SchedulerJobId = job.JobId })];
}
