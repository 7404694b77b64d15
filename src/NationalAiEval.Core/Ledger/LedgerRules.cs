namespace NationalAiEval.Core.Ledger;

/// <summary>The entries that admission and a participation's end post, and how a balance is read.</summary>
public static class LedgerRules
{
    /// <summary>
    /// Admission grants the stage's entitlement, never an amount derived from the join date: equal entitlement
    /// (api-docs/DEFINITIONS.md#equal-entitlement) is the same number for every participation, late or not.
    /// </summary>
    public static IReadOnlyList<LedgerPosting> AdmissionGrants(long participationId, long entitlementMilliEghSeconds, long dataGrantKrw) =>
    [
        new(LedgerResource.Gpu, LedgerKind.Grant, entitlementMilliEghSeconds, $"admission:{participationId}:gpu", "stage entitlement"),
        new(LedgerResource.Data, LedgerKind.Grant, dataGrantKrw, $"admission:{participationId}:data", "stage data grant"),
    ];

    /// <summary>
    /// On elimination or withdrawal the GPU balance is forfeited, leaving it exactly zero, and the undrawn data grant
    /// is cancelled; data already drawn stays with the team (api-docs/DEFINITIONS.md#elimination). A zero forfeit is still posted so that
    /// later corrections have one entry to adjust.
    /// </summary>
    public static IReadOnlyList<LedgerPosting> ClosingForfeits(long participationId, string cause, long gpuBalance, long dataBalance) =>
    [
        new(LedgerResource.Gpu, LedgerKind.Forfeit, checked(-gpuBalance), $"{cause}:{participationId}:gpu", $"{cause}: remaining GPU balance forfeited"),
        new(LedgerResource.Data, LedgerKind.Forfeit, checked(-dataBalance), $"{cause}:{participationId}:data", $"{cause}: undrawn data grant cancelled"),
    ];

    public static long Balance(IEnumerable<long> amounts)
    {
        ArgumentNullException.ThrowIfNull(amounts);
        long total = 0;
        foreach (var amount in amounts)
        {
            total = checked(total + amount);
        }

        return total;
    }
}
