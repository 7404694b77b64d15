using NodaTime;

namespace NationalAiEval.Core.Capacity;

/// <summary>A contract line on a pool: <see cref="Gpus"/> GPUs over <see cref="Span"/> at a price per GPU-hour.</summary>
public sealed record LeaseLine(long Gpus, Interval Span, long KrwPerGpuHour);

/// <summary>A right to <see cref="Gpus"/> GPUs of one pool over <see cref="Span"/>.</summary>
public sealed record AllocationSpan(long Gpus, Interval Span);

/// <summary>A stretch of time over which a pool's leased and allocated GPU counts do not change.</summary>
public sealed record CapacitySegment(Interval Span, long LeasedGpus, long AllocatedGpus)
{
    public long FreeGpus => LeasedGpus - AllocatedGpus;
}

/// <summary>
/// The first stretch where a requested allocation would not fit: over <see cref="Span"/> the pool would need up to
/// <see cref="ExcessGpus"/> more GPUs than it leases.
/// </summary>
public sealed record OverCommitment(Interval Span, long ExcessGpus, long LeasedGpus, long AllocatedGpus, long RequestedGpus);
