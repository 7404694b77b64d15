namespace NationalAiEval.Api.Reconciliation;

/// <summary>
/// What a reconciliation did: batches committed, records counted, hourly facts changed, ledger entries, flags, and
/// records quarantined because they could not be counted.
/// </summary>
public sealed record ReconciliationSummary(
    int Batches, int Records, int FactChanges, int LedgerEntries, int FlagsOpened, int FlagsUpdated, int FlagsResolved, int Quarantined)
{
    public static ReconciliationSummary None { get; } = new(0, 0, 0, 0, 0, 0, 0, 0);

    public ReconciliationSummary Add(ReconciliationSummary other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new(Batches + other.Batches, Records + other.Records, FactChanges + other.FactChanges, LedgerEntries + other.LedgerEntries,
            FlagsOpened + other.FlagsOpened, FlagsUpdated + other.FlagsUpdated, FlagsResolved + other.FlagsResolved, Quarantined + other.Quarantined);
    }
}
