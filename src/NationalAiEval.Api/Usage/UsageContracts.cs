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
/// records identical to what was stored, and stale running snapshots of jobs already known to have ended.
/// </summary>
public sealed record IngestionSummary(int Received, int Inserted, int Updated, int Unchanged, int Stale);

/// <summary>An sacct ingestion: the summary, and the lines rightly left out.</summary>
public sealed record SacctIngestionSummary(
    int Received, int Inserted, int Updated, int Unchanged, int Stale, int StepLines, int NotStarted, int WithoutGpus);

/// <summary>A record ready to store: validated, in Unix seconds, with the instant its usage counts up to.</summary>
public sealed record IncomingUsage(string ExternalId, string Account, long StartUnix, long? EndUnix, long UntilUnix, long Gpus)
{
    public long GpuSeconds => checked(Gpus * (UntilUnix - StartUnix));
}
