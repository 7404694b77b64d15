using CsvHelper;

namespace NationalAiEval.Api.Reports;

/// <summary>
/// The waste report as CSV (RFC 4180) for spreadsheets: UTF-8 with a byte order mark, so that Excel reads Korean names
/// correctly; the key columns of the grouping, then the figures, then a total row. Numbers are written with a point and
/// no thousands separator; text that a spreadsheet would run as a formula is escaped.
/// </summary>
public static class WasteCsv
{
    public const string ContentType = "text/csv; charset=utf-8";

    /// <summary>The key columns and the groupings that fill them in the JSON rows: a pool's row names its provider too.</summary>
    private static readonly (string Header, Func<WasteRow, string?> Value, string[] Groupings)[] Keys =
    [
        ("Month", r => r.Month, ["month"]),
        ("Pool", r => r.Pool, ["pool"]),
        ("Provider", r => r.Provider, ["pool", "provider"]),
        ("GPU model", r => r.GpuModel, ["pool"]),
        ("Team", r => r.Team, ["team"]),
        ("Team name", r => r.TeamName, ["team"]),
        ("Cause", r => r.Cause, ["cause"]),
    ];

    private static readonly (string Header, Func<WasteRow, decimal?> Value)[] Figures =
    [
        ("Leased GPU-hours", r => r.LeasedGpuHours),
        ("Allocated GPU-hours", r => r.AllocatedGpuHours),
        ("Used GPU-hours", r => r.UsedGpuHours),
        ("Idle unallocated GPU-hours", r => r.IdleUnallocatedGpuHours),
        ("Idle allocated-unused GPU-hours", r => r.IdleAllocatedUnusedGpuHours),
        ("Idle GPU-hours", r => r.IdleGpuHours),
        ("Low-utilisation GPU-hours", r => r.LowUtilisationGpuHours),
        ("Excess GPU-hours", r => r.ExcessGpuHours),
        ("Leased KRW", r => r.LeasedKrw),
        ("Used KRW", r => r.UsedKrw),
        ("Idle unallocated KRW", r => r.IdleUnallocatedKrw),
        ("Idle allocated-unused KRW", r => r.IdleAllocatedUnusedKrw),
        ("Idle KRW", r => r.IdleKrw),
        ("Low-utilisation KRW", r => r.LowUtilisationKrw),
        ("Leased equivalent GPU-hours", r => r.LeasedEquivalentGpuHours),
        ("Used equivalent GPU-hours", r => r.UsedEquivalentGpuHours),
        ("Idle unallocated equivalent GPU-hours", r => r.IdleUnallocatedEquivalentGpuHours),
        ("Idle allocated-unused equivalent GPU-hours", r => r.IdleAllocatedUnusedEquivalentGpuHours),
        ("Utilisation %", r => r.UtilisationPercent),
    ];

    public static async Task WriteAsync(WasteReport report, Stream destination, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        var keys = Keys.Where(k => k.Groupings.Any(report.GroupBy.Contains)).ToList();
        var options = CsvWriterOptions.Default with { WriteByteOrderMark = true, Injection = CsvInjection.Escape };
        await using var csv = CsvWriter.Create(destination, options, leaveOpen: true);
        foreach (var header in keys.Select(k => k.Header).Append("Adjustment for").Concat(Figures.Select(f => f.Header)))
        {
            csv.WriteField(header);
        }

        await csv.EndRecordAsync(cancellationToken);
        foreach (var row in report.Rows)
        {
            await WriteRowAsync(csv, keys.Select(k => k.Value(row)), row.AdjustmentFor, row, cancellationToken);
        }

        var totalKeys = keys.Select((_, i) => i == 0 ? "Total" : null);
        await WriteRowAsync(csv, keys.Count == 0 ? [] : totalKeys, keys.Count == 0 ? "Total" : null, report.Total, cancellationToken);
        await csv.FlushAsync(cancellationToken);
    }

    private static async Task WriteRowAsync(CsvWriter csv, IEnumerable<string?> keys, string? adjustmentFor, WasteRow row, CancellationToken cancellationToken)
    {
        foreach (var key in keys)
        {
            csv.WriteField(key);
        }

        csv.WriteField(adjustmentFor);
        foreach (var (_, value) in Figures)
        {
            // Hours have six decimals, percentages two and won none: this keeps every digit, without separators or exponents.
            csv.WriteField(value(row), "0.######");
        }

        await csv.EndRecordAsync(cancellationToken);
    }
}
