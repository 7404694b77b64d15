using NationalAiEval.Core.Ledger;
using NodaTime;

namespace NationalAiEval.Api.Ledger;

/// <summary>
/// One entry as stored. <see cref="Amount"/> is exact: milli-EGH-seconds for <c>gpu</c>, KRW for <c>data</c>;
/// <see cref="EquivalentGpuHours"/> repeats a GPU amount in hours for reading.
/// </summary>
public sealed record LedgerEntryView(
    long Id, string Stage, LedgerResource Resource, LedgerKind Kind, long Amount, decimal? EquivalentGpuHours,
    string Source, string? Reason, Instant PostedAt);
