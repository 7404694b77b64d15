namespace NationalAiEval.Api.Flags;

/// <summary>The causes a flag can have. Each flag's cause key adds its subject and period, e.g. <c>overuse|team:3|pool:5|day:2026-03-14</c>.</summary>
public static class FlagKinds
{
    /// <summary>Usage under a scheduler account that no team is mapped to; resolves itself once the account is mapped.</summary>
    public const string UnmappedAccount = "unmapped-account";

    /// <summary>A team's usage in hours that no window of its participations contains.</summary>
    public const string OutsideWindow = "outside-window";

    /// <summary>A team's usage inside its window but after its elimination or withdrawal.</summary>
    public const string AfterEnd = "after-end";

    /// <summary>A team's usage on a pool in hours where it had no allocation there.</summary>
    public const string NoAllocation = "no-allocation";

    /// <summary>A team used more GPU-seconds in an hour than its allocations there held.</summary>
    public const string Overuse = "overuse";

    /// <summary>A participation used more than its entitlement (its GPU balance is below zero).</summary>
    public const string EntitlementExceeded = "entitlement-exceeded";

    /// <summary>A pool whose idle share (unallocated and allocated-unused) over the rolling window passes the threshold.</summary>
    public const string IdleCapacity = "idle-capacity";

    /// <summary>A team that left more than the threshold of its allocation on a pool unused over the rolling window.</summary>
    public const string AllocatedUnused = "allocated-unused";

    /// <summary>More usage reported on a pool within the rolling window than it leased: a report or a lease is wrong.</summary>
    public const string UsageExceedsCapacity = "usage-exceeds-capacity";

    /// <summary>Leased capacity that no allocation will use in the coming 30 days (forecast job).</summary>
    public const string ForecastUnallocated = "forecast-unallocated";

    /// <summary>A lease line that ends within 30, 14 or 7 days (forecast job).</summary>
    public const string LeaseExpiry = "lease-expiry";

    /// <summary>A participation whose pace would leave a part of its entitlement unused at its window's end (forecast job).</summary>
    public const string EntitlementAtRisk = "entitlement-at-risk";

    /// <summary>A stage whose leases cannot give every active team its entitlement (forecast job, from the planner).</summary>
    public const string LeaseShortfall = "lease-shortfall";

    /// <summary>
    /// A usage record reconciliation could not count (it breaks the intake bounds, or counting it failed): it counts
    /// nothing until a manager corrects or voids it, or its provider sends a version that can be counted.
    /// </summary>
    public const string QuarantinedRecord = "quarantined-record";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
    {
        UnmappedAccount, OutsideWindow, AfterEnd, NoAllocation, Overuse, EntitlementExceeded, IdleCapacity, AllocatedUnused, UsageExceedsCapacity,
        ForecastUnallocated, LeaseExpiry, EntitlementAtRisk, LeaseShortfall, QuarantinedRecord,
    };
}
