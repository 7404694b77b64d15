using NodaTime;

namespace NationalAiEval.Api.Periods;

/// <summary>
/// A closed month: when and by whom it was closed, and the earlier closed months it carries adjustments for (late
/// usage or corrections that arrived after they closed).
/// </summary>
public sealed record PeriodView(long Id, string Period, Instant ClosedAt, string? ClosedBy, IReadOnlyList<string> AdjustmentsFor);
