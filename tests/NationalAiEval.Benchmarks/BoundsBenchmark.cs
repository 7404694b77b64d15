using System.Diagnostics;
using NationalAiEval.Api.Auth;
using NodaTime;

namespace NationalAiEval.Benchmarks;

/// <summary>
/// What the worst records the intake bounds allow cost: records as long (60 days) and as wide (the pool's peak) as a
/// provider may send, reconciled, beside ordinary records in the same run. The cost of one hourly bucket should be
/// about the same for both, so a record's cost is bounded by the 1,441 buckets a 60-day record can touch; and the
/// hours detect-idle recomputes after them stay within the lease covers.
/// </summary>
public static class BoundsBenchmark
{
    private static readonly Workload Programme = new(Pools: 4, Teams: 4, From: Instant.FromUtc(2025, 11, 1, 0, 0), Days: 365);

    private const int LongRecords = 1_000;
    private const int OrdinaryRecords = 200_000;
    private const long SixtyDays = 60 * 86_400;

    public static async Task<IReadOnlyList<Result>> RunAsync(BenchmarkOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var path = Path.Combine(options.WorkDirectory, "bounds.db");
        await using var service = await BenchService.StartAsync(path, Programme.Now);
        await Programme.SetUpAsync(service.Services);
        using var manager = service.Client(await service.KeyAsync(Role.Manager));

        await Ingestion.SendAsync(service, Programme, Ingestion.Format.Json, 0, OrdinaryRecords, OrdinaryRecords);
        var ordinaryBuckets = Buckets(Enumerable.Range(0, OrdinaryRecords).Select(i => Programme.Record(i, OrdinaryRecords)));
        var ordinary = await TimeAsync(() => RunAsync(manager, "reconcile-usage"));

        var longRows = Enumerable.Range(0, LongRecords).Select(LongRecord).ToList();
        foreach (var batch in longRows.GroupBy(r => r.Pool))
        {
            using var content = new ByteArrayContent(Workload.JsonBatch(batch));
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            using var response = await manager.PostAsync($"/api/v1/pools/{Workload.PoolCode(batch.Key)}/usage", content);
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"long records: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }
        }

        var longBuckets = Buckets(longRows);
        var bounded = await TimeAsync(() => RunAsync(manager, "reconcile-usage"));
        var idle = await TimeAsync(() => RunAsync(manager, "detect-idle"));

        var perBucketOrdinary = ordinary * 1e6 / ordinaryBuckets;
        var perBucketLong = bounded * 1e6 / longBuckets;
        return
        [
            new Result("Reconciliation, records at the bounds", $"{LongRecords:N0} records of 60 days x {Workload.GpusPerPool} GPUs ({longBuckets:N0} hourly buckets), per bucket",
                perBucketLong, "µs", $"{OrdinaryRecords:N0} ordinary jobs ({ordinaryBuckets:N0} buckets), per bucket", perBucketOrdinary, "<= 2x",
                perBucketLong / perBucketOrdinary <= 2),
            new Result("Reconciliation, one record at the bounds", "60 days x 64 GPUs, whole cost", bounded * 1000 / LongRecords, "ms",
                "one ordinary job", ordinary * 1000 / OrdinaryRecords, "informative", true),
            new Result("detect-idle after them", $"{Programme.Pools} pools x {Programme.Days} days of leases", idle * 1000, "ms",
                "reconciling the long records", bounded * 1000, "informative", true),
        ];
    }

    /// <summary>Long record <paramref name="i"/>: 60 days, the pool's 64 GPUs, starting somewhere in the first ten months.</summary>
    private static UsageRow LongRecord(int i)
    {
        var pool = i % Programme.Pools;
        var start = Programme.From.ToUnixTimeSeconds() + (i * 7_919L % 300 * 86_400) + (i % 24 * 3_600);
        return new UsageRow(pool, $"long-{i}", Workload.Account(Programme.TeamOfPool(pool)), start, start + SixtyDays, Workload.GpusPerPool);
    }

    private static long Buckets(IEnumerable<UsageRow> rows) => rows.Sum(r => ((r.EndUnix - 1) / 3600) - (r.StartUnix / 3600) + 1);

    private static async Task RunAsync(HttpClient manager, string job)
    {
        using var response = await manager.PostAsync($"/api/v1/jobs/{job}/runs", null);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{job}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    private static async Task<double> TimeAsync(Func<Task> action)
    {
        var watch = Stopwatch.StartNew();
        await action();
        return watch.Elapsed.TotalSeconds;
    }
}
