using NodaTime;

namespace NationalAiEval.Api.Pools;

public sealed record CreatePoolRequest(string? Code, string? Name, string? Provider, string? GpuModel, long? GpusPerNode);

/// <summary>Fields left out are not changed.</summary>
public sealed record UpdatePoolRequest(string? Name, string? Provider, long? GpusPerNode, NewLeasesRequest? NewLeases = null);

/// <summary>
/// The terms on which the pool's provider would lease more, as the planner's cheapest extra lease uses them: whether
/// new lines may be proposed at all, the price per GPU-hour, and the minimum length (ISO-8601 period such as P1M).
/// Fields left out are not changed.
/// </summary>
public sealed record NewLeasesRequest(bool? Open, long? KrwPerGpuHour, string? MinimumLength);

/// <summary>
/// A pool's new-lease terms as stated (null where not stated: the planner then takes the latest lease line's price and
/// the programme's minimum length, and proposes nothing on a pool whose leases have all ended).
/// </summary>
public sealed record NewLeasesView(bool Open, long? KrwPerGpuHour, string? MinimumLength);

public sealed record CreateLeaseRequest(long? Gpus, Instant? Start, Instant? End, long? KrwPerGpuHour, string? Reference);

public sealed record MapAccountRequest(string? Team);

public sealed record PoolView(string Code, string Name, string Provider, string GpuModel, long GpusPerNode, Instant CreatedAt, NewLeasesView NewLeases);

public sealed record LeaseView(long Id, long Gpus, Instant Start, Instant End, long KrwPerGpuHour, string? Reference, Instant CreatedAt);

public sealed record AccountView(string Account, string Team);

public sealed record PoolDetail(
    string Code, string Name, string Provider, string GpuModel, long GpusPerNode, Instant CreatedAt,
    IReadOnlyList<LeaseView> Leases, IReadOnlyList<AccountView> Accounts, NewLeasesView NewLeases);

public sealed record CapacitySegmentView(Instant From, Instant To, long LeasedGpus, long AllocatedGpus, long FreeGpus);

public sealed record CapacityView(string Pool, string GpuModel, Instant? From, Instant? To, IReadOnlyList<CapacitySegmentView> Segments);
