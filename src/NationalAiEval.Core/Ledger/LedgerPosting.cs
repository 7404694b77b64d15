namespace NationalAiEval.Core.Ledger;

/// <summary>The two resources of an entitlement: GPU time in milli-EGH-seconds and the data grant in KRW.</summary>
public enum LedgerResource
{
    Gpu,
    Data,
}

public enum LedgerKind
{
    Grant,
    Usage,
    Adjustment,
    Forfeit,
    Reversal,
}

/// <summary>
/// One append-only ledger entry to be written for a participation. <see cref="Source"/> names what caused it and is
/// unique: posting the same source twice is a no-op (api-docs/DEFINITIONS.md#ledger).
/// </summary>
public sealed record LedgerPosting(LedgerResource Resource, LedgerKind Kind, long Amount, string Source, string? Reason = null);
