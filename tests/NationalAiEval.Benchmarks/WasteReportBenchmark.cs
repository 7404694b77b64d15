using NationalAiEval.Api.Auth;
using NodaTime;

namespace NationalAiEval.Benchmarks;

/// <summary>
/// The waste report over one year of hourly facts (20 pools, 10 teams, allocations, usage reconciled, idle computed),
/// grouped by month, pool, team and cause, as finance would ask for it; then the same over two years, which should
/// cost about twice as much (the report is linear in the hours it reads).
/// </summary>
public static class WasteReportBenchmark
{
    private const long RecordsPerYear = 200_000;

    public static async Task<IReadOnlyList<Result>> RunAsync(BenchmarkOptions options)
    {
        var oneYear = await MeasureAsync(options, days: 365);
        var twoYears = await MeasureAsync(options, days: 730);
        return
        [
            new Result("Waste report, one year", $"20 pools, 10 teams, {oneYear.Hours:N0} pool-hours, by month, pool, team and cause ({oneYear.Rows:N0} rows)",
                oneYear.Milliseconds, "ms", "(absolute target)", 300, "< 300 ms", oneYear.Milliseconds < 300),
            new Result("Waste report, two years", $"twice the data: {twoYears.Hours:N0} pool-hours ({twoYears.Rows:N0} rows)", twoYears.Milliseconds, "ms",
                "the one-year report", oneYear.Milliseconds, "< 2.2x", twoYears.Milliseconds / oneYear.Milliseconds < 2.2),
        ];
    }

    private sealed record Measured(double Milliseconds, long Hours, int Rows);

    private static async Task<Measured> MeasureAsync(BenchmarkOptions options, int days)
    {
        var workload = UsageBenchmark.Programme with { Days = days };
        Console.Error.WriteLine($"waste report benchmark: {days} days");
        var path = Path.Combine(options.WorkDirectory, $"waste-{days}.db");
        await using var service = await BenchService.StartAsync(path, workload.Now);
        await workload.SetUpAsync(service.Services);
        var records = RecordsPerYear * days / 365;
        await Ingestion.SendAsync(service, workload, Ingestion.Format.Json, 0, records, records);
        using var manager = service.Client(await service.KeyAsync(Role.Manager));
        (await manager.PostAsync("/api/v1/jobs/reconcile-usage/runs", null)).EnsureSuccessStatusCode();
        (await manager.PostAsync("/api/v1/jobs/detect-idle/runs", null)).EnsureSuccessStatusCode();
        using var finance = service.Client(await service.KeyAsync(Role.Finance));
        var first = workload.From.InZone(DateTimeZoneProviders.Tzdb["Asia/Seoul"]).Date;
        var last = (workload.To - Duration.FromSeconds(1)).InZone(DateTimeZoneProviders.Tzdb["Asia/Seoul"]).Date;
        var query = $"/api/v1/reports/waste?from={first:yyyy-MM}&to={last:yyyy-MM}&groupBy=month,pool,team,cause";
        var rows = 0;
        var milliseconds = await Measure.MedianMillisecondsAsync(async () =>
        {
            using var response = await finance.GetAsync(query);
            var text = await response.Content.ReadAsStringAsync();
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"{query}: {(int)response.StatusCode} {text}");
            }

            using var json = System.Text.Json.JsonDocument.Parse(text);
            rows = json.RootElement.GetProperty("rows").GetArrayLength();
        }, runs: 7);
        return new Measured(milliseconds, (long)workload.Pools * days * 24, rows);
    }
}
