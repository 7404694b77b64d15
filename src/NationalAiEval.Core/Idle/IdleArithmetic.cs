namespace NationalAiEval.Core.Idle;

/// <summary>What one lease line supplies in an hour: GPU-seconds, at a price per GPU-hour.</summary>
public readonly record struct LineHour(long GpuSeconds, long KrwPerGpuHour);

/// <summary>A team on a pool in an hour: GPU-seconds allocated to it, used by it, and used at low utilisation.</summary>
public readonly record struct TeamHour(long TeamId, long AllocatedGpuSeconds, long UsedGpuSeconds, long LowUtilisationGpuSeconds);

/// <summary>A team's part of an hour's breakdown, with the money numerators of its used and allocated-unused capacity.</summary>
public sealed record TeamBreakdown(
    long TeamId, long Allocated, long Used, long AllocatedUnused, long LowUtilisation, long UsedKrwNumerator, long AllocatedUnusedKrwNumerator);

/// <summary>
/// One pool-hour, in GPU-seconds: Leased = Used + AllocatedUnused + Unallocated, exactly. Used is capped at Leased;
/// what was reported beyond it is <see cref="Excess"/>, kept apart and flagged. LowUtilisation is part of Used.
/// Money is carried as numerators, GPU-seconds x KRW per GPU-hour (KRW x 3,600), so that sums stay exact; the same
/// identity holds for them.
/// </summary>
public sealed record HourBreakdown(
    long Leased, long Allocated, long Used, long Excess, long AllocatedUnused, long Unallocated, long LowUtilisation,
    long LeasedKrwNumerator, long UsedKrwNumerator, long AllocatedUnusedKrwNumerator, long UnallocatedKrwNumerator, long LowUtilisationKrwNumerator,
    IReadOnlyList<TeamBreakdown> Teams);

/// <summary>
/// api-docs/DEFINITIONS.md#idle-split: Idle = L - U; allocated-unused = sum of max(0, A_i - U_i), capped at
/// Idle; unallocated = Idle - allocated-unused. When a cap binds, the teams' parts are scaled down by largest remainder,
/// so they still add up exactly. Prices: used capacity is taken from the cheapest lines first, then allocated-unused,
/// and unallocated capacity is priced at the dearest lines: the conservative figure for finance.
/// </summary>
public static class IdleArithmetic
{
    public static HourBreakdown Break(IReadOnlyList<LineHour> lines, IReadOnlyList<TeamHour> teams, long unmappedUsed, long unmappedLowUtilisation)
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

        var ordered = lines.Where(l => l.GpuSeconds > 0).OrderBy(l => l.KrwPerGpuHour).ToList();
        var (usedNumerator, afterUsed) = Take(ordered, 0, used);
        var (unusedNumerator, afterUnused) = Take(ordered, afterUsed, allocatedUnused);
        var (unallocatedNumerator, _) = Take(ordered, afterUnused, unallocated);
        var leasedNumerator = ordered.Sum(l => l.GpuSeconds * l.KrwPerGpuHour);

        var usedMoney = Proportional(usedShares, usedNumerator);
        var unusedMoney = Proportional(unusedShares, unusedNumerator);
        var teamParts = teams.Select((t, i) => new TeamBreakdown(
            t.TeamId, t.AllocatedGpuSeconds, usedShares[i], unusedShares[i], Math.Min(t.LowUtilisationGpuSeconds, usedShares[i]), usedMoney[i], unusedMoney[i]))
            .ToList();
        var low = teamParts.Sum(t => t.LowUtilisation) + Math.Min(unmappedLowUtilisation, usedShares[^1]);
        var lowNumerator = used == 0 ? 0 : (long)((Int128)low * usedNumerator / used);
        return new HourBreakdown(
            leased, teams.Sum(t => t.AllocatedGpuSeconds), used, reported - used, allocatedUnused, unallocated, low,
            leasedNumerator, usedNumerator, unusedNumerator, unallocatedNumerator, lowNumerator, teamParts);
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

    /// <summary>Takes <paramref name="amount"/> GPU-seconds from the sorted lines, after the first <paramref name="skip"/>.</summary>
    private static (long Numerator, long Next) Take(List<LineHour> lines, long skip, long amount)
    {
        long numerator = 0, position = 0, left = amount;
        foreach (var line in lines)
        {
            var start = Math.Max(position, skip);
            var end = position + line.GpuSeconds;
            position = end;
            if (left == 0 || start >= end)
            {
                continue;
            }

            var take = Math.Min(left, end - start);
            numerator = checked(numerator + (take * line.KrwPerGpuHour));
            left -= take;
        }

        return (numerator, skip + amount - left);
    }
}
