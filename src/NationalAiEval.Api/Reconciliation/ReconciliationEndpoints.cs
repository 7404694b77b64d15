using Microsoft.AspNetCore.Http.HttpResults;
using NationalAiEval.Api.Auth;

namespace NationalAiEval.Api.Reconciliation;

public static class ReconciliationEndpoints
{
    public static void MapReconciliation(this IEndpointRouteBuilder app) =>
        app.MapPost("/api/v1/usage/reconciliation", async Task<Ok<ReconciliationSummary>> (Caller caller, UsageReconciler reconciler, CancellationToken ct) =>
                TypedResults.Ok(await reconciler.RunAsync($"key:{caller.KeyId}", ct)))
            .WithTags("Usage")
            .RequireAuthorization(Policies.Manager)
            .WithName("ReconcileUsage")
            .WithSummary("Run the reconcile-usage job now and wait for it: new and changed usage records become facts, ledger entries and flags.");
}
