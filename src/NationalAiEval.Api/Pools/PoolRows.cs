using NationalAiEval.Api.Infrastructure.Http;
using NationalAiEval.Core.Capacity;

namespace NationalAiEval.Api.Pools;

public sealed class PoolRow
{
    /// <summary>The columns every reader of whole pool rows selects.</summary>
    public const string Columns =
        "id, code, name, provider, gpu_model, gpus_per_node, version, created_unix, closed_to_new_leases, new_lease_krw_per_gpu_hour, new_lease_minimum";

    public long Id { get; init; }
    public string Code { get; init; } = string.Empty;
    public string Name { get; init; } = string.Empty;
    public string Provider { get; init; } = string.Empty;
    public string GpuModel { get; init; } = string.Empty;
    public long GpusPerNode { get; init; }
    public long Version { get; init; }
    public long CreatedUnix { get; init; }
    public long ClosedToNewLeases { get; init; }
    public long? NewLeaseKrwPerGpuHour { get; init; }
    public string? NewLeaseMinimum { get; init; }

    public NewLeasesView NewLeases => new(ClosedToNewLeases == 0, NewLeaseKrwPerGpuHour, NewLeaseMinimum);

    public PoolView ToView() => new(Code, Name, Provider, GpuModel, GpusPerNode, Unix.Instant(CreatedUnix), NewLeases);
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
