using NationalAiEval.Api.Infrastructure.Http;
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

/// <summary>The flag list's filters as its endpoint read them; the team and pool codes are resolved against the caller's scope.</summary>
public sealed record FlagQuery(string? Kind, FlagStatus? Status, string? Team, string? Pool, QueryRange Range)
{
    public static FlagQuery Parse(string? kind, string? status, string? team, string? pool, string? from, string? to)
    {
        var v = new Validator();
        if (kind is not null && !FlagKinds.All.Contains(kind))
        {
            v.Add("kind", $"must be one of: {string.Join(", ", FlagKinds.All.Order(StringComparer.Ordinal))}.");
        }

        FlagStatus? parsedStatus = null;
        if (status is not null)
        {
            if (EnumText.TryParse<FlagStatus>(status, out var known))
            {
                parsedStatus = known;
            }
            else
            {
                v.Add("status", "must be one of: open, acknowledged, resolved.");
            }
        }

        var range = QueryRange.Read(v, from, to);
        v.ThrowIfInvalid();
        return new FlagQuery(kind, parsedStatus, team, pool, range);
    }
}
