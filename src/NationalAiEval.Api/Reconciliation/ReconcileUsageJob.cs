namespace NationalAiEval.Api.Reconciliation;

/// <summary>
/// The recurring Hangfire job <c>reconcile-usage</c>. It is safe to run twice or on two instances at once: the
/// reconciler takes an exclusive lock per batch and counts only records not yet counted.
/// </summary>
public sealed class ReconcileUsageJob(UsageReconciler reconciler)
{
    public const string Id = "reconcile-usage";

    /// <summary>Every two minutes: usage is in the ledger minutes after a provider reports it.</summary>
    public const string Schedule = "*/2 * * * *";

    public Task<ReconciliationSummary> RunAsync(CancellationToken cancellationToken) => reconciler.RunAsync("job:" + Id, cancellationToken);
}
