using NationalAiEval.Api.Infrastructure.Http;
using NationalAiEval.Core.Capacity;

namespace NationalAiEval.Api.Pools;

public sealed class PoolRow
{
    public long Id { get; init; }
    public string Code { get; init; } = string.Empty;
    public string Name { get; init; } = string.Empty;
    public string Provider { get; init; } = string.Empty;
    public string GpuModel { get; init; } = string.Empty;
    public long GpusPerNode { get; init; }
    public long Version { get; init; }
    public long CreatedUnix { get; init; }

    public PoolView ToView() => new(Code, Name, Provider, GpuModel, GpusPerNode, Unix.Instant(CreatedUnix));
}

public sealed class LeaseRow
{
    public long Id { get; init; }
    public long PoolId { get; init; }
    public long Gpus { get; init; }
    public long StartUnix { get; init; }
    public long EndUnix { get; init; }
    public long KrwPerGpuHour { get; init; }
    public string? Reference { get; init; }
    public long CreatedUnix { get; init; }

    public LeaseView ToView() => new(Id, Gpus, Unix.Instant(StartUnix), Unix.Instant(EndUnix), KrwPerGpuHour, Reference, Unix.Instant(CreatedUnix));

    public LeaseLine ToLine() => new(Gpus, Unix.Interval(StartUnix, EndUnix), KrwPerGpuHour);
}

/// <summary>An allocation reduced to what capacity arithmetic needs.</summary>
public sealed class AllocationSpanRow
{
    public long Gpus { get; init; }
    public long StartUnix { get; init; }
    public long EndUnix { get; init; }

    public AllocationSpan ToSpan() => new(Gpus, Unix.Interval(StartUnix, EndUnix));
}
