using NodaTime;

namespace NationalAiEval.Api.DataGrants;

/// <summary>Money drawn from a participation's data grant: how much, paid to whom, for what, on which date.</summary>
public sealed record DrawdownRequest(long? AmountKrw, string? Vendor, string? Description, LocalDate? DrawnOn);

public sealed record DrawdownView(long Id, string Stage, string Team, long AmountKrw, string Vendor, string Description, LocalDate DrawnOn, Instant RecordedAt);

/// <summary>A participation's drawdowns, and its data grant after them.</summary>
public sealed record DrawdownsView(string Stage, string Team, long GrantedKrw, long DrawnKrw, long RemainingKrw, IReadOnlyList<DrawdownView> Drawdowns);
