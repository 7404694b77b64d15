using NationalAiEval.Api.Infrastructure.Http;
using NodaTime;

namespace NationalAiEval.Api.Allocations;

public sealed record CreateAllocationRequest(string? Stage, string? Team, string? Pool, long? Gpus, Instant? Start, Instant? End);

/// <summary>An allocation can only be shortened: the new end must be earlier, after its start, and not in the past.</summary>
public sealed record ShortenAllocationRequest(Instant? End);

/// <summary>
/// A right for a team to use <see cref="Gpus"/> GPUs of a pool over <c>[Start, End)</c>, with its size in raw and
/// equivalent GPU-hours (the weight in force at each instant).
/// </summary>
public sealed record AllocationView(
    long Id, string Stage, string Team, string Pool, string GpuModel, long Gpus, Instant Start, Instant End,
    decimal RawGpuHours, decimal EquivalentGpuHours, Instant CreatedAt);

/// <summary>Where a refused allocation would not fit: over [From, To) the pool lacks up to ByGpus GPUs.</summary>
public sealed record OverCommittedInterval(Instant From, Instant To, long ByGpus, long LeasedGpus, long AllocatedGpus, long RequestedGpus);

/// <summary>The allocation list's filters as its endpoint read them; team and pool codes are resolved against the caller's scope.</summary>
public sealed record AllocationQuery(string? Stage, string? Team, string? Pool, QueryRange Range)
{
    public static AllocationQuery Parse(string? stage, string? team, string? pool, string? from, string? to)
    {
        var v = new Validator();
        var range = QueryRange.Read(v, from, to);
        if (stage is not null)
        {
            v.Code(stage, "stage");
        }

        v.ThrowIfInvalid();
        return new AllocationQuery(stage, team, pool, range);
    }
}
