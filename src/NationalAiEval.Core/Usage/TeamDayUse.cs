namespace NationalAiEval.Core.Usage;

/// <summary>A team's GPU-seconds on a pool in one UTC hour, and who pays for them (<see cref="UsageAttribution"/>).</summary>
public readonly record struct TeamHourUse(long HourUnix, long GpuSeconds, HourAttribution Attribution);

/// <summary>An allocation of the team on the pool: GPUs over <c>[StartUnix, EndUnix)</c>.</summary>
public readonly record struct HeldGpus(long Gpus, long StartUnix, long EndUnix);

/// <summary>What of a team's day on a pool breaks a rule, in GPU-seconds, one figure per usage flag kind.</summary>
public sealed record TeamDayBreaches(long OutsideWindow, long AfterEnd, long NoAllocation, long Overuse);

/// <summary>
/// The usage flags' arithmetic for a team's UTC day on a pool (api-docs/DEFINITIONS.md#flags): hours no window
/// contains are outside-window, hours after the participation ended are after-end; of the hours it paid for, those
/// with no allocation on the pool are no-allocation, and GPU-seconds beyond what its allocations held in an hour are
/// overuse.
/// </summary>
public static class TeamDayUse
{
    public static TeamDayBreaches Breaches(IEnumerable<TeamHourUse> hours, IReadOnlyList<HeldGpus> held)
    {
        ArgumentNullException.ThrowIfNull(hours);
        ArgumentNullException.ThrowIfNull(held);
        long outside = 0, afterEnd = 0, unallocated = 0, overuse = 0;
        foreach (var hour in hours)
        {
            switch (hour.Attribution)
            {
                case HourAttribution.OutsideWindow:
                    outside += hour.GpuSeconds;
                    continue;
                case HourAttribution.AfterEnd:
                    afterEnd += hour.GpuSeconds;
                    continue;
            }

            var allocated = AllocatedGpuSeconds(held, hour.HourUnix);
            if (allocated == 0)
            {
                unallocated += hour.GpuSeconds;
            }
            else if (hour.GpuSeconds > allocated)
            {
                overuse += hour.GpuSeconds - allocated;
            }
        }

        return new TeamDayBreaches(outside, afterEnd, unallocated, overuse);
    }

    /// <summary>The GPU-seconds the allocations held in the UTC hour starting at <paramref name="hourUnix"/>.</summary>
    public static long AllocatedGpuSeconds(IReadOnlyList<HeldGpus> held, long hourUnix)
    {
        ArgumentNullException.ThrowIfNull(held);
        var end = hourUnix + HourlyBuckets.HourSeconds;
        return held.Sum(a => a.Gpus * Math.Max(0, Math.Min(a.EndUnix, end) - Math.Max(a.StartUnix, hourUnix)));
    }
}
