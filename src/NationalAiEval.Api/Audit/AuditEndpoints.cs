using Microsoft.AspNetCore.Http.HttpResults;
using NationalAiEval.Api.Auth;
using NationalAiEval.Api.Infrastructure.Http;

namespace NationalAiEval.Api.Audit;

public static class AuditEndpoints
{
    public static void MapAudit(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/v1/audit", async Task<Ok<Page<AuditEntryView>>> (
                string? entity, string? entityId, string? action, string? key, string? from, string? to, string? limit, string? after,
                AuditReader audit, CancellationToken ct) =>
                TypedResults.Ok(await audit.ListAsync(AuditQuery.Parse(entity, entityId, action, key, from, to), PageRequest.Parse(limit, after), ct)))
            .WithTags("Audit")
            .RequireAuthorization(Policies.Manager)
            .WithName("ListAudit")
            .WithSummary("The audit log, oldest first: every change with its key, time, and the entity before and after. Filter by entity, entityId, action, key (key id) and time [from, to). Read-only.")
            .ProducesValidationProblem();
}
