using NationalAiEval.Api.Infrastructure.Http;
using NodaTime;

namespace NationalAiEval.Api.Reports;

/// <summary>A month of the report: open (its figures follow the facts) or closed (frozen when it was closed).</summary>
public sealed record WasteMonth(string Month, string Status, Instant? ClosedAt, string? ClosedBy);

/// <summary>
/// A row of the waste report. The key columns are those of <c>groupBy</c> (a pool row also names its provider and
/// GPU model); <c>AdjustmentFor</c> is set on adjustment rows: late usage or corrections for a closed month, reported
/// in the first open month. Figures: GPU-hours, KRW at the price of the lease line that supplied the capacity, and
/// equivalent GPU-hours; Leased = Used + IdleUnallocated + IdleAllocatedUnused exactly, in each unit. Idle is the waste.
/// Low utilisation is part of used; excess is usage reported beyond the lease, which is counted nowhere else.
/// </summary>
public sealed record WasteRow(
    string? Month, string? AdjustmentFor, string? Pool, string? Provider, string? GpuModel, string? Team, string? TeamName, string? Cause,
    decimal LeasedGpuHours, decimal AllocatedGpuHours, decimal UsedGpuHours, decimal IdleUnallocatedGpuHours, decimal IdleAllocatedUnusedGpuHours,
    decimal IdleGpuHours, decimal LowUtilisationGpuHours, decimal ExcessGpuHours,
    long LeasedKrw, long UsedKrw, long IdleUnallocatedKrw, long IdleAllocatedUnusedKrw, long IdleKrw, long LowUtilisationKrw,
    decimal LeasedEquivalentGpuHours, decimal UsedEquivalentGpuHours, decimal IdleUnallocatedEquivalentGpuHours,
    decimal IdleAllocatedUnusedEquivalentGpuHours, decimal? UtilisationPercent);

/// <summary>
/// The budget-waste report for the months <c>[From, To]</c> of <see cref="TimeZone"/>. <see cref="ComputedUntil"/>
/// says how far the hourly facts behind open months reach; it is null when every month in the range is closed, whose
/// figures never change.
/// </summary>
public sealed record WasteReport(
    string From, string To, IReadOnlyList<string> GroupBy, string TimeZone, string Currency, Instant? ComputedUntil,
    IReadOnlyList<WasteMonth> Months, IReadOnlyList<WasteRow> Rows, WasteRow Total);

/// <summary>The waste report's query as its endpoint read it: months of the programme's zone, and the grouping in its canonical order.</summary>
public sealed record WasteQuery(YearMonth? From, YearMonth? To, List<string> Grouping)
{
    public static WasteQuery Parse(string? from, string? to, string? groupBy)
    {
        var v = new Validator();
        var fromMonth = v.QueryMonth(from, "from");
        var toMonth = v.QueryMonth(to, "to");
        var grouping = ReadGrouping(v, groupBy);
        v.ThrowIfInvalid();
        return new WasteQuery(fromMonth, toMonth, grouping);
    }

    private static List<string> ReadGrouping(Validator v, string? groupBy)
    {
        if (string.IsNullOrWhiteSpace(groupBy))
        {
            return ["pool"];
        }

        var parts = groupBy.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(p => p.ToLowerInvariant()).ToList();
        if (parts.Count == 0 || parts.Any(p => !WasteReportReader.Groupings.Contains(p)) || parts.Distinct().Count() != parts.Count)
        {
            v.Add("groupBy", $"must be one or more of {string.Join(", ", WasteReportReader.Groupings)}, separated by commas, each once.");
        }

        return [.. WasteReportReader.Groupings.Where(parts.Contains)];
    }
}
