using NodaTime;

namespace NationalAiEval.Api.Usage;

/// <summary>A batch of usage records for one pool: up to 50,000, accepted or refused as a whole.</summary>
public sealed record UsageBatchRequest(IReadOnlyList<UsageRecordRequest>? Records);

/// <summary>
/// One job's usage. <see cref="End"/> is null while the job runs; it then counts up to <see cref="MeasuredAt"/>
/// (default: when the batch is received). Sending the same <see cref="ExternalId"/> again replaces the record.
/// </summary>
public sealed record UsageRecordRequest(string? ExternalId, string? Account, Instant? Start, Instant? End, long? Gpus, Instant? MeasuredAt);

/// <summary>
/// What a batch did: records new to the pool, records that changed (only the difference will reach the ledger),
/// records identical to what was stored, stale running snapshots of jobs already known to have ended, and records a
/// manager corrected or voided, whose values the provider's version does not replace.
/// </summary>
public sealed record IngestionSummary(int Received, int Inserted, int Updated, int Unchanged, int Stale, int Overridden);

/// <summary>An sacct ingestion: the summary, and the lines rightly left out.</summary>
public sealed record SacctIngestionSummary(
    int Received, int Inserted, int Updated, int Unchanged, int Stale, int Overridden, int StepLines, int NotStarted, int WithoutGpus);

/// <summary>
/// A record read from an upload, in Unix seconds, with the instant its usage counts up to and where it stood in the
/// upload. The writer checks it against the intake bounds (<see cref="Core.Usage.UsageBounds"/>) before storing it.
/// </summary>
public sealed record IncomingUsage(string ExternalId, string Account, long StartUnix, long? EndUnix, long UntilUnix, long Gpus, UsageOrigin Origin)
{
    public long GpuSeconds => checked(Gpus * (UntilUnix - StartUnix));

    /// <summary>The scheduler's own id of the job (sacct's JobID), which DCGM's <c>hpc_job</c> names; by default the whole <see cref="ExternalId"/>.</summary>
    public string SchedulerJobId { get; init; } = ExternalId;

    public Core.Usage.UsageCandidate Candidate => new(ExternalId, Account, StartUnix, UntilUnix, Gpus);
}

/// <summary>
/// A stored usage record as the provider sent it (or a manager corrected it). <c>Review</c> is <c>as-reported</c>,
/// <c>quarantined</c> (it counts nothing: <c>ReviewReason</c> says why), <c>voided</c> or <c>corrected</c> by a manager;
/// <c>Waiting</c> is true until reconciliation has counted its current revision. <c>GpuHours</c> is null for a record
/// stored before the intake bounds whose size cannot be multiplied out.
/// </summary>
public sealed record UsageRecordView(
    long Id, string ExternalId, string Account, Instant Start, Instant? End, Instant CountedUntil, long Gpus, decimal? GpuHours, string Source,
    long Revision, Instant ReceivedAt, bool Waiting, string Review, string? ReviewReason, Instant? ReviewedAt, string? ReviewedBy);

/// <summary>A manager's correction of a stored record: its new values (the account stays unless given) and why.</summary>
public sealed record UsageCorrectionRequest(string? Account, Instant? Start, Instant? End, Instant? MeasuredAt, long? Gpus, string? Reason);

/// <summary>A manager's void of a stored record: it counts nothing from now on, whatever its provider sends for it.</summary>
public sealed record UsageVoidRequest(string? Reason);
