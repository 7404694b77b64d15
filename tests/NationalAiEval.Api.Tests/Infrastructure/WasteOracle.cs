namespace NationalAiEval.Api.Tests.Infrastructure;

/// <summary>
/// The waste figures of one pool recomputed from its raw inputs, hour by hour, straight from api-docs/DEFINITIONS.md#idle-split, with
/// nothing of the service's code: an independent check of the report. Times are unix seconds.
/// </summary>
public static class WasteOracle
{
    public sealed record Lease(long Gpus, long Start, long End, long KrwPerGpuHour);

    public sealed record Allocation(string Team, long Gpus, long Start, long End);

    /// <summary>Usage of a team, or of an account no team is mapped to (Team null).</summary>
    public sealed record Usage(string? Team, long Gpus, long Start, long End);

    /// <summary>GPU-seconds, and money as GPU-seconds x KRW per GPU-hour.</summary>
    public sealed record Totals(
        long Leased, long Allocated, long Used, long AllocatedUnused, long Unallocated, long Excess,
        long LeasedMoney, long UsedMoney, long AllocatedUnusedMoney, long UnallocatedMoney);

    public static Totals Compute(IReadOnlyList<Lease> leases, IReadOnlyList<Allocation> allocations, IReadOnlyList<Usage> usage, long from, long to)
    {
        long leased = 0, allocated = 0, used = 0, unused = 0, unallocated = 0, excess = 0, leasedMoney = 0, usedMoney = 0, unusedMoney = 0, unallocatedMoney = 0;
        for (var hour = from; hour < to; hour += 3600)
        {
            var end = hour + 3600;
            long Overlap(long start, long stop) => Math.Max(0, Math.Min(stop, end) - Math.Max(start, hour));

            var supply = leases.Select(l => (Seconds: l.Gpus * Overlap(l.Start, l.End), Price: l.KrwPerGpuHour)).Where(s => s.Seconds > 0).OrderBy(s => s.Price).ToList();
            var teams = allocations.Select(a => a.Team).Concat(usage.Where(u => u.Team is not null).Select(u => u.Team!)).Distinct().ToList();
            var held = teams.ToDictionary(t => t, t => allocations.Where(a => a.Team == t).Sum(a => a.Gpus * Overlap(a.Start, a.End)));
            var ran = teams.ToDictionary(t => t, t => usage.Where(u => u.Team == t).Sum(u => u.Gpus * Overlap(u.Start, u.End)));
            var reported = usage.Sum(u => u.Gpus * Overlap(u.Start, u.End));

            var l = supply.Sum(s => s.Seconds);
            var u = Math.Min(l, reported);
            var idle = l - u;
            var au = Math.Min(idle, teams.Sum(t => Math.Max(0, held[t] - ran[t])));
            var un = idle - au;

            // Used capacity comes from the cheapest lines, then held-unused, and unallocated is what is left: the dearest.
            long Take(ref int line, ref long usedOfLine, long amount)
            {
                long money = 0;
                while (amount > 0)
                {
                    var take = Math.Min(amount, supply[line].Seconds - usedOfLine);
                    money += take * supply[line].Price;
                    amount -= take;
                    usedOfLine += take;
                    if (usedOfLine == supply[line].Seconds && amount > 0)
                    {
                        line++;
                        usedOfLine = 0;
                    }
                }

                return money;
            }

            int index = 0;
            long within = 0;
            var usedCost = Take(ref index, ref within, u);
            var unusedCost = Take(ref index, ref within, au);
            var unallocatedCost = Take(ref index, ref within, un);

            leased += l;
            allocated += held.Values.Sum();
            used += u;
            unused += au;
            unallocated += un;
            excess += reported - u;
            leasedMoney += supply.Sum(s => s.Seconds * s.Price);
            usedMoney += usedCost;
            unusedMoney += unusedCost;
            unallocatedMoney += unallocatedCost;
        }

        return new Totals(leased, allocated, used, unused, unallocated, excess, leasedMoney, usedMoney, unusedMoney, unallocatedMoney);
    }
}
