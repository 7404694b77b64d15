using Microsoft.AspNetCore.Http.HttpResults;
using NationalAiEval.Api.Auth;
using NationalAiEval.Api.Infrastructure.Http;

namespace NationalAiEval.Api.Usage;

public static class UsageRecordsEndpoints
{
    public static void MapUsageRecords(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/pools/{pool}/usage/records").WithTags("Usage");

        group.MapGet("/", async Task<Ok<Page<UsageRecordView>>> (
                string pool, string? state, string? externalId, string? account, string? limit, string? after, Caller caller, UsageRecordBook records,
                CancellationToken ct) =>
                TypedResults.Ok(await records.ListAsync(pool, UsageRecordBook.ParseState(state), externalId, account, PageRequest.Parse(limit, after), caller, ct)))
            .RequireAuthorization(Policies.PoolReader)
            .WithName("ListUsageRecords")
            .WithSummary("A pool's stored usage records, oldest first; state = quarantined, voided, corrected or waiting (not yet reconciled) narrows them.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/{id:long}/correction", async Task<Ok<UsageRecordView>> (
                string pool, long id, UsageCorrectionRequest request, Caller caller, UsageRecordBook records, CancellationToken ct) =>
                TypedResults.Ok(await records.CorrectAsync(pool, id, request, caller, ct)))
            .RequireAuthorization(Policies.Manager)
            .WithName("CorrectUsageRecord")
            .WithSummary("Correct a stored usage record (audited): the ledger moves by the difference at the next reconciliation; the provider's later versions of it are not applied.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/{id:long}/void", async Task<Ok<UsageRecordView>> (
                string pool, long id, UsageVoidRequest request, Caller caller, UsageRecordBook records, CancellationToken ct) =>
                TypedResults.Ok(await records.VoidAsync(pool, id, request, caller, ct)))
            .RequireAuthorization(Policies.Manager)
            .WithName("VoidUsageRecord")
            .WithSummary("Void a stored usage record (audited): it counts nothing from the next reconciliation on, whatever its provider sends for it later.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
    }
}
