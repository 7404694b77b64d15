using NationalAiEval.Core.Pricing;

namespace NationalAiEval.Core.Idle;

/// <summary>What one lease line supplies in an hour: GPU-seconds, at a price per GPU-hour.</summary>
public readonly record struct LineHour(long GpuSeconds, long KrwPerGpuHour);

/// <summary>
/// A team on a pool in an hour: GPU-seconds allocated to it and used by it, and the part used at low utilisation in
/// millionths of a GPU-second (a share of the hour's use, rarely a whole number of GPU-seconds).
/// </summary>
public readonly record struct TeamHour(long TeamId, long AllocatedGpuSeconds, long UsedGpuSeconds, long LowUtilisationMicroGpuSeconds)
{
    public const long MicroPerGpuSecond = 1_000_000;

    /// <summary>
    /// The low-utilisation part of a team's use in an hour: the share of its readings under the threshold, applied to
    /// its used GPU-seconds, in millionths of a GPU-second, rounded half to even once (api-docs/DEFINITIONS.md#idle-split).
    /// </summary>
    public static long LowShare(long usedGpuSeconds, long lowReadings, long readings) =>
        readings <= 0 ? 0 : IdleArithmetic.RoundedQuotient((Int128)usedGpuSeconds * MicroPerGpuSecond * lowReadings, readings);
}

/// <summary>
/// A team's part of an hour's breakdown, with the money numerators of its used and allocated-unused capacity.
/// <see cref="Excess"/> is what it reported beyond its share of the capacity the pool leased (its part of the pool's
/// excess). <see cref="LowUtilisationMicro"/> is in millionths of a GPU-second, <see cref="LowUtilisationKrwNumeratorMilli"/>
/// in thousandths of a numerator.
/// </summary>
public sealed record TeamBreakdown(
    long TeamId, long Allocated, long Used, long AllocatedUnused, long LowUtilisationMicro, long UsedKrwNumerator, long AllocatedUnusedKrwNumerator,
    long Excess = 0)
{
    /// <summary>The money of the low-utilisation part: its share of the used money, in thousandths, rounded once.</summary>
    public long LowUtilisationKrwNumeratorMilli => IdleArithmetic.LowMoneyMilli(LowUtilisationMicro, UsedKrwNumerator, Used);
}

/// <summary>
/// One pool-hour, in GPU-seconds: Leased = Used + AllocatedUnused + Unallocated, exactly. Used is capped at Leased;
/// what was reported beyond it is <see cref="Excess"/>, kept apart and flagged. LowUtilisation is part of Used, in
/// millionths of a GPU-second (<see cref="LowUtilisationMicro"/>), its money in thousandths (<see cref="LowUtilisationKrwNumeratorMilli"/>).
/// Money is carried as numerators, GPU-seconds x KRW per GPU-hour (KRW x 3,600), so that sums stay exact; the same
/// identity holds for them.
/// </summary>
public sealed record HourBreakdown(
    long Leased, long Allocated, long Used, long Excess, long AllocatedUnused, long Unallocated, long LowUtilisationMicro,
    long LeasedKrwNumerator, long UsedKrwNumerator, long AllocatedUnusedKrwNumerator, long UnallocatedKrwNumerator, long LowUtilisationKrwNumeratorMilli,
    IReadOnlyList<TeamBreakdown> Teams);

/// <summary>
/// api-docs/DEFINITIONS.md#idle-split: Idle = L - U; allocated-unused = sum of max(0, A_i - U_i), capped at
/// Idle; unallocated = Idle - allocated-unused. When a cap binds, the teams' parts are scaled down by largest remainder,
/// so they still add up exactly. Prices come from the hour's <see cref="LeasePricing"/> (api-docs/DEFINITIONS.md#lease-pricing):
/// used at the bottom, allocated-unused above it, unallocated at the top.
/// </summary>
public static class IdleArithmetic
{
    public static HourBreakdown Break(IReadOnlyList<LineHour> lines, IReadOnlyList<TeamHour> teams, long unmappedUsed, long unmappedLowUtilisationMicro)
    {
        ArgumentNullException.ThrowIfNull(lines);
        ArgumentNullException.ThrowIfNull(teams);
        var leased = lines.Sum(l => l.GpuSeconds);
        var reported = teams.Sum(t => t.UsedGpuSeconds) + unmappedUsed;
        var used = Math.Min(reported, leased);

        // Reported beyond what was leased is impossible on a correct report: each team keeps its share of what was.
        var usedShares = Proportional([.. teams.Select(t => t.UsedGpuSeconds), unmappedUsed], used);
        var idle = leased - used;
        var unusedRights = teams.Select(t => Math.Max(0, t.AllocatedGpuSeconds - t.UsedGpuSeconds)).ToArray();
        var allocatedUnused = Math.Min(idle, unusedRights.Sum());
        var unusedShares = Proportional(unusedRights, allocatedUnused);
        var unallocated = idle - allocatedUnused;

        var stack = LeasePricing.Of(lines.Select(l => new PricedCapacity(l.GpuSeconds, l.KrwPerGpuHour)));
        var (usedNumerator, unusedNumerator, unallocatedNumerator) = stack.Layers(used, allocatedUnused);
        var leasedNumerator = stack.Numerator(0, stack.Total);

        var usedMoney = Proportional(usedShares, usedNumerator);
        var unusedMoney = Proportional(unusedShares, unusedNumerator);
        var teamParts = teams.Select((t, i) => new TeamBreakdown(
            t.TeamId, t.AllocatedGpuSeconds, usedShares[i], unusedShares[i], Math.Min(t.LowUtilisationMicroGpuSeconds, usedShares[i] * TeamHour.MicroPerGpuSecond),
            usedMoney[i], unusedMoney[i], t.UsedGpuSeconds - usedShares[i]))
            .ToList();
        var unmappedLow = Math.Min(unmappedLowUtilisationMicro, usedShares[^1] * TeamHour.MicroPerGpuSecond);
        var low = teamParts.Sum(t => t.LowUtilisationMicro) + unmappedLow;
        var lowNumerator = teamParts.Sum(t => t.LowUtilisationKrwNumeratorMilli) + LowMoneyMilli(unmappedLow, usedMoney[^1], usedShares[^1]);
        return new HourBreakdown(
            leased, teams.Sum(t => t.AllocatedGpuSeconds), used, reported - used, allocatedUnused, unallocated, low,
            leasedNumerator, usedNumerator, unusedNumerator, unallocatedNumerator, lowNumerator, teamParts);
    }

    /// <summary>
    /// The money of a low-utilisation part (millionths of a GPU-second) of some used capacity and its money numerator, in
    /// thousandths of a numerator, rounded once: a share of the used money.
    /// </summary>
    public static long LowMoneyMilli(long lowMicroGpuSeconds, long usedKrwNumerator, long usedGpuSeconds) =>
        usedGpuSeconds == 0 ? 0 : RoundedQuotient((Int128)lowMicroGpuSeconds * usedKrwNumerator, (Int128)usedGpuSeconds * 1000);

    /// <summary>A quotient rounded half to even: the one rounding a share of a whole gets.</summary>
    public static long RoundedQuotient(Int128 numerator, Int128 denominator)
    {
        var quotient = Int128.DivRem(numerator, denominator);
        var twice = Int128.Abs(quotient.Remainder) * 2;
        var away = twice > Int128.Abs(denominator) || (twice == Int128.Abs(denominator) && !Int128.IsEvenInteger(quotient.Quotient));
        return (long)(away ? quotient.Quotient + (Int128.Sign(numerator) * Int128.Sign(denominator)) : quotient.Quotient);
    }

    /// <summary>
    /// Splits <paramref name="total"/> in proportion to <paramref name="weights"/>, in whole units that add up to it
    /// exactly (largest remainder). When the weights already add up to the total, they are returned as they are.
    /// </summary>
    public static long[] Proportional(IReadOnlyList<long> weights, long total)
    {
        ArgumentNullException.ThrowIfNull(weights);
        var sum = weights.Sum();
        if (sum == total)
        {
            return [.. weights];
        }

        var parts = new long[weights.Count];
        if (sum == 0 || total == 0)
        {
            return parts;
        }

        var remainders = new (Int128 Remainder, int Index)[weights.Count];
        long given = 0;
        for (var i = 0; i < weights.Count; i++)
        {
            var exact = (Int128)weights[i] * total;
            parts[i] = (long)(exact / sum);
            remainders[i] = (exact % sum, i);
            given += parts[i];
        }

        foreach (var (_, index) in remainders.OrderByDescending(r => r.Remainder).ThenBy(r => r.Index).Take((int)(total - given)))
        {
            parts[index]++;
        }

        return parts;
    }
}
