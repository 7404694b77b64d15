using NodaTime;

namespace NationalAiEval.Api.Pools;

public sealed record CreatePoolRequest(string? Code, string? Name, string? Provider, string? GpuModel, long? GpusPerNode);

/// <summary>Fields left out are not changed.</summary>
public sealed record UpdatePoolRequest(string? Name, string? Provider, long? GpusPerNode);

public sealed record CreateLeaseRequest(long? Gpus, Instant? Start, Instant? End, long? KrwPerGpuHour, string? Reference);

public sealed record MapAccountRequest(string? Team);

public sealed record PoolView(string Code, string Name, string Provider, string GpuModel, long GpusPerNode, Instant CreatedAt);

public sealed record LeaseView(long Id, long Gpus, Instant Start, Instant End, long KrwPerGpuHour, string? Reference, Instant CreatedAt);

public sealed record AccountView(string Account, string Team);

public sealed record PoolDetail(
    string Code, string Name, string Provider, string GpuModel, long GpusPerNode, Instant CreatedAt,
    IReadOnlyList<LeaseView> Leases, IReadOnlyList<AccountView> Accounts);

public sealed record CapacitySegmentView(Instant From, Instant To, long LeasedGpus, long AllocatedGpus, long FreeGpus);

public sealed record CapacityView(string Pool, string GpuModel, Instant? From, Instant? To, IReadOnlyList<CapacitySegmentView> Segments);
