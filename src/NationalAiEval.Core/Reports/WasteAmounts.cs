namespace NationalAiEval.Core.Reports;

/// <summary>The three places a leased GPU-second can go (api-docs/DEFINITIONS.md#idle-split).</summary>
public enum WasteCause
{
    Used,
    AllocatedUnused,
    Unallocated,
}

/// <summary>
/// Exact figures of some leased capacity over some time: GPU-seconds (<c>Gs</c>), money numerators (<c>Num</c>:
/// GPU-seconds x KRW per GPU-hour, so KRW x 3,600) and equivalents (<c>Meg</c>: milli-EGH-seconds); low utilisation in
/// millionths of a GPU-second (<c>Ugs</c>) and thousandths of a money numerator (<c>Mnum</c>), because it is a share
/// of an hour's use. In every unit,
/// Leased = Used + AllocatedUnused + Unallocated. Low utilisation is part of Used; Excess is usage reported beyond the
/// lease, kept outside the identity. Adjustments (a month's figures now, less what was reported when it closed) are
/// amounts too, and may be negative.
/// </summary>
public readonly record struct WasteAmounts(
    long LeasedGs, long AllocatedGs, long UsedGs, long ExcessGs, long AllocatedUnusedGs, long UnallocatedGs, long LowUtilisationUgs,
    long LeasedNum, long UsedNum, long AllocatedUnusedNum, long UnallocatedNum, long LowUtilisationMnum,
    long LeasedMeg, long UsedMeg, long AllocatedUnusedMeg, long UnallocatedMeg)
{
    public static readonly WasteAmounts Zero;

    /// <summary>Whether the identity holds in all three units.</summary>
    public bool Balances =>
        LeasedGs == UsedGs + AllocatedUnusedGs + UnallocatedGs
        && LeasedNum == UsedNum + AllocatedUnusedNum + UnallocatedNum
        && LeasedMeg == UsedMeg + AllocatedUnusedMeg + UnallocatedMeg;

    public bool IsZero => this == Zero;

    /// <summary>
    /// A team's part of a pool: what it used and what it held without using. Nothing is unallocated for a team, so its
    /// "leased" is the capacity it accounts for, and the teams' parts plus the pool's remainder add up to the pool.
    /// </summary>
    public static WasteAmounts ForTeam(
        long allocatedGs, long usedGs, long allocatedUnusedGs, long lowUtilisationUgs, long usedNum, long allocatedUnusedNum, long lowUtilisationMnum,
        long usedMeg, long allocatedUnusedMeg, long excessGs = 0) =>
        new(usedGs + allocatedUnusedGs, allocatedGs, usedGs, excessGs, allocatedUnusedGs, 0, lowUtilisationUgs,
            usedNum + allocatedUnusedNum, usedNum, allocatedUnusedNum, 0, lowUtilisationMnum, usedMeg + allocatedUnusedMeg, usedMeg, allocatedUnusedMeg, 0);

    public static WasteAmounts operator +(WasteAmounts a, WasteAmounts b) => new(
        a.LeasedGs + b.LeasedGs, a.AllocatedGs + b.AllocatedGs, a.UsedGs + b.UsedGs, a.ExcessGs + b.ExcessGs, a.AllocatedUnusedGs + b.AllocatedUnusedGs,
        a.UnallocatedGs + b.UnallocatedGs, a.LowUtilisationUgs + b.LowUtilisationUgs, a.LeasedNum + b.LeasedNum, a.UsedNum + b.UsedNum,
        a.AllocatedUnusedNum + b.AllocatedUnusedNum, a.UnallocatedNum + b.UnallocatedNum, a.LowUtilisationMnum + b.LowUtilisationMnum,
        a.LeasedMeg + b.LeasedMeg, a.UsedMeg + b.UsedMeg, a.AllocatedUnusedMeg + b.AllocatedUnusedMeg, a.UnallocatedMeg + b.UnallocatedMeg);

    public static WasteAmounts operator -(WasteAmounts a, WasteAmounts b) => a + Negate(b);

    public static WasteAmounts Add(WasteAmounts a, WasteAmounts b) => a + b;

    public static WasteAmounts Subtract(WasteAmounts a, WasteAmounts b) => a - b;

    public static WasteAmounts Negate(WasteAmounts a) => new(
        -a.LeasedGs, -a.AllocatedGs, -a.UsedGs, -a.ExcessGs, -a.AllocatedUnusedGs, -a.UnallocatedGs, -a.LowUtilisationUgs, -a.LeasedNum, -a.UsedNum,
        -a.AllocatedUnusedNum, -a.UnallocatedNum, -a.LowUtilisationMnum, -a.LeasedMeg, -a.UsedMeg, -a.AllocatedUnusedMeg, -a.UnallocatedMeg);

    /// <summary>
    /// The figures split by where the capacity went, each part balancing on its own. Allocated capacity is shown where it
    /// went: held without use on the allocated-unused part, the rest on the used part.
    /// </summary>
    public WasteAmounts Part(WasteCause cause) => cause switch
    {
        WasteCause.Used => new(UsedGs, AllocatedGs - AllocatedUnusedGs, UsedGs, ExcessGs, 0, 0, LowUtilisationUgs,
            UsedNum, UsedNum, 0, 0, LowUtilisationMnum, UsedMeg, UsedMeg, 0, 0),
        WasteCause.AllocatedUnused => new(AllocatedUnusedGs, AllocatedUnusedGs, 0, 0, AllocatedUnusedGs, 0, 0,
            AllocatedUnusedNum, 0, AllocatedUnusedNum, 0, 0, AllocatedUnusedMeg, 0, AllocatedUnusedMeg, 0),
        _ => new(UnallocatedGs, 0, 0, 0, 0, UnallocatedGs, 0, UnallocatedNum, 0, 0, UnallocatedNum, 0, UnallocatedMeg, 0, 0, UnallocatedMeg),
    };
}
