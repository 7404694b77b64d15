using NodaTime;

namespace NationalAiEval.Api.Flags;

public enum FlagStatus
{
    Open,
    Acknowledged,
    Resolved,
}

/// <summary>A comment that goes with acknowledging or resolving a flag.</summary>
public sealed record FlagCommentRequest(string? Comment);

/// <summary>
/// A flag. <c>Amount</c> is exact in <c>Unit</c> (gpu-seconds, milli-egh-seconds or gpus); <c>Hours</c> repeats a time
/// amount in GPU-hours (raw or equivalent) for reading, and is null for a count of GPUs. The period is <c>[PeriodStart, PeriodEnd)</c>.
/// </summary>
public sealed record FlagView(
    long Id, string Kind, FlagStatus Status, string? Team, string? Pool, string? Account, Instant PeriodStart, Instant PeriodEnd,
    long Amount, string Unit, decimal? Hours, long? Krw, string Detail, Instant OpenedAt, Instant UpdatedAt,
    Instant? AcknowledgedAt, string? AcknowledgedBy, string? Acknowledgement, Instant? ResolvedAt, string? ResolvedBy, string? Resolution);
