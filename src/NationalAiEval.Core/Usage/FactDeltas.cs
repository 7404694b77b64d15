namespace NationalAiEval.Core.Usage;

/// <summary>
/// What of one usage record is counted in the facts: attributed to a team, or (when its scheduler account is not
/// mapped) to the account itself, over <c>[StartUnix, UntilUnix)</c> with <see cref="Gpus"/> GPUs.
/// </summary>
public sealed record CountedUsage(long? TeamId, string Account, long StartUnix, long UntilUnix, long Gpus)
{
    public long GpuSeconds => checked(Gpus * Math.Max(0, UntilUnix - StartUnix));
}

/// <summary>An hourly fact's identity: a team's usage on a pool in a UTC hour, or an unmapped account's.</summary>
public readonly record struct FactKey(long PoolId, long? TeamId, string? Account, long HourUnix)
{
    public static FactKey For(long poolId, CountedUsage usage, long hourUnix) =>
        usage.TeamId is { } team ? new(poolId, team, null, hourUnix) : new(poolId, null, usage.Account, hourUnix);
}

/// <summary>
/// Facts are derived from records by deltas: when a record changes (a running job ended, an end was corrected, its
/// account was mapped to a team), what was counted before is taken out hour by hour and the new version put in.
/// Applying every delta keeps the sum of facts equal to the sum of the records counted, to the GPU-second.
/// </summary>
public static class FactDeltas
{
    public static void Accumulate(IDictionary<FactKey, long> deltas, long poolId, CountedUsage? before, CountedUsage after)
    {
        ArgumentNullException.ThrowIfNull(deltas);
        ArgumentNullException.ThrowIfNull(after);
        if (before is not null)
        {
            foreach (var hour in HourlyBuckets.Split(before.StartUnix, before.UntilUnix, before.Gpus))
            {
                Add(deltas, FactKey.For(poolId, before, hour.HourUnix), -hour.GpuSeconds);
            }
        }

        foreach (var hour in HourlyBuckets.Split(after.StartUnix, after.UntilUnix, after.Gpus))
        {
            Add(deltas, FactKey.For(poolId, after, hour.HourUnix), hour.GpuSeconds);
        }
    }

    private static void Add(IDictionary<FactKey, long> deltas, FactKey key, long amount)
    {
        var total = checked(deltas.TryGetValue(key, out var current) ? current + amount : amount);
        if (total == 0)
        {
            deltas.Remove(key);
        }
        else
        {
            deltas[key] = total;
        }
    }
}
