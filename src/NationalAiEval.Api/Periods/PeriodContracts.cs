using NodaTime;

namespace NationalAiEval.Api.Periods;

/// <summary>
/// A closed month: when and by whom it was closed, the earlier closed months it carries adjustments for (late usage or
/// corrections that arrived after they closed), and the later closed months that carry adjustments for it
/// (<see cref="AdjustedIn"/>). Adjustments not frozen yet show in the first open month's report.
/// </summary>
public sealed record PeriodView(
    long Id, string Period, Instant ClosedAt, string? ClosedBy, IReadOnlyList<string> AdjustmentsFor, IReadOnlyList<string> AdjustedIn);
