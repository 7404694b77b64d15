using System.Diagnostics;
using Microsoft.Data.Sqlite;
using NationalAiEval.Api.Auth;
using NodaTime;

namespace NationalAiEval.Benchmarks;

/// <summary>
/// Ingestion (JSON and sacct, through HTTP into SQLite) against a prepared-statement insert loop; reconciliation of
/// everything ingested against one SQL aggregation of the same records into the same hourly facts; an incremental
/// reconciliation of 1,000 late records; peak memory while ingesting. Run at each size of a scaling series.
/// </summary>
public static class UsageBenchmark
{
    public static readonly Workload Programme = new(Pools: 20, Teams: 10, From: Instant.FromUtc(2025, 11, 1, 0, 0), Days: 365);

    public static async Task<IReadOnlyList<Result>> RunAsync(BenchmarkOptions options)
    {
        var results = new List<Result>();
        var scaling = new List<string>();
        foreach (var size in options.Sizes)
        {
            var main = size == options.Records;
            Console.Error.WriteLine($"usage benchmark: {size:N0} records");
            var run = await RunSizeAsync(size, withSacct: main, options.WorkDirectory);
            scaling.Add(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"| {size:N0} | {run.JsonSeconds:N2} s | {run.JsonSeconds * 1e6 / size:N2} µs | {run.BaselineInsertSeconds * 1e6 / size:N2} µs | {run.ReconcileSeconds:N2} s | {run.ReconcileSeconds * 1e6 / size:N2} µs | {run.AggregationSeconds * 1e6 / size:N2} µs |"));
            if (!main)
            {
                continue;
            }

            var jsonRate = size / run.JsonSeconds;
            var baselineRate = size / run.BaselineInsertSeconds;
            results.Add(new Result("Ingestion, JSON over HTTP", $"{size:N0} records, {Ingestion.BatchSize:N0} per request", jsonRate, "rec/s",
                "prepared INSERT loop, one transaction", baselineRate, ">= 100,000 rec/s and >= 0.5x", jsonRate >= 100_000 && jsonRate / baselineRate >= 0.5));
            var sacctRate = size / run.SacctSeconds!.Value;
            results.Add(new Result("Ingestion, sacct text over HTTP", $"{size:N0} jobs, {Ingestion.BatchSize:N0} lines per request", sacctRate, "rec/s",
                "prepared INSERT loop, one transaction", baselineRate, ">= 100,000 rec/s and >= 0.5x", sacctRate >= 100_000 && sacctRate / baselineRate >= 0.5));
            results.Add(new Result("Memory while ingesting", $"peak resident set, {size:N0} JSON records (whole process)", run.PeakMegabytes, "MB",
                "resident set before ingesting", run.StartMegabytes, "< 500 MB", run.PeakMegabytes < 500));
            results.Add(new Result("Reconciliation, full", $"{size:N0} records -> {run.Facts:N0} hourly facts, ledger, flags", run.ReconcileSeconds * 1000, "ms",
                "one SQL INSERT ... SELECT of the same facts", run.AggregationSeconds * 1000, "<= 3x", run.ReconcileSeconds / run.AggregationSeconds <= 3));
            results.Add(new Result("Reconciliation, incremental", $"1,000 new records after {size:N0}", run.IncrementalSeconds * 1000, "ms",
                "the full reconciliation", run.ReconcileSeconds * 1000, "< 0.01x", run.IncrementalSeconds / run.ReconcileSeconds < 0.01));
        }

        Console.WriteLine();
        Console.WriteLine("Scaling (cost per record should stay flat as the work grows):");
        Console.WriteLine();
        Console.WriteLine("| records | JSON ingestion | per record | baseline insert per record | reconciliation | per record | SQL aggregation per record |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        scaling.ForEach(Console.WriteLine);
        Console.WriteLine();
        return results;
    }

    private sealed record SizeRun(
        double JsonSeconds, double? SacctSeconds, double BaselineInsertSeconds, double ReconcileSeconds, double AggregationSeconds, double IncrementalSeconds,
        long Facts, double StartMegabytes, double PeakMegabytes);

    private static async Task<SizeRun> RunSizeAsync(long size, bool withSacct, string directory)
    {
        var workload = Programme;
        double json, reconcile, aggregation, incremental, startMb, peakMb;
        long facts;
        var path = Path.Combine(directory, $"usage-{size}.db");
        await using (var service = await FreshAsync(path, workload))
        {
            Ingestion.ResetPeakResident();
            startMb = Ingestion.PeakResidentMegabytes();
            json = await Ingestion.SendAsync(service, workload, Ingestion.Format.Json, 0, size, size);
            peakMb = Ingestion.PeakResidentMegabytes();
            using var manager = service.Client(await service.KeyAsync(Role.Manager));
            reconcile = await TimeAsync(() => RunJobAsync(manager));
            (aggregation, facts) = Aggregate(path);
            await Ingestion.SendAsync(service, workload, Ingestion.Format.Json, 0, 1_000, size, prefix: "late");
            incremental = await TimeAsync(() => RunJobAsync(manager));
        }

        var baselinePath = Path.Combine(directory, $"baseline-{size}.db");
        await using (var service = await FreshAsync(baselinePath, workload))
        {
            // The service only made the schema and the pools; it sits idle while the loop inserts.
        }

        var baseline = Ingestion.BaselineInsertSeconds(baselinePath, workload, size, "job");
        double? sacct = null;
        if (withSacct)
        {
            var sacctPath = Path.Combine(directory, $"sacct-{size}.db");
            await using var service = await FreshAsync(sacctPath, workload);
            sacct = await Ingestion.SendAsync(service, workload, Ingestion.Format.Sacct, 0, size, size);
        }

        foreach (var file in Directory.GetFiles(directory, "*.db*"))
        {
            File.Delete(file);
        }

        return new SizeRun(json, sacct, baseline, reconcile, aggregation, incremental, facts, startMb, peakMb);
    }

    private static async Task<BenchService> FreshAsync(string path, Workload workload)
    {
        foreach (var file in new[] { path, path + "-wal", path + "-shm" }.Where(File.Exists))
        {
            File.Delete(file);
        }

        var service = await BenchService.StartAsync(path, workload.Now);
        await workload.SetUpAsync(service.Services);
        return service;
    }

    private static async Task RunJobAsync(HttpClient manager)
    {
        using var response = await manager.PostAsync("/api/v1/jobs/reconcile-usage/runs", null);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"reconcile-usage: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    private static async Task<double> TimeAsync(Func<Task> action)
    {
        var watch = Stopwatch.StartNew();
        await action();
        return watch.Elapsed.TotalSeconds;
    }

    /// <summary>
    /// The baseline: one INSERT ... SELECT that splits every record at hour boundaries and sums GPU-seconds per pool,
    /// team (or unmapped account) and UTC hour into a table keyed like the service's: the facts reconciliation keeps,
    /// made by the database alone. Its total is checked against the service's facts.
    /// </summary>
    private static (double Seconds, long Facts) Aggregate(string path)
    {
        using var connection = new SqliteConnection($"Data Source={path}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandTimeout = 0;
        command.CommandText = """
            CREATE TEMP TABLE baseline_fact (
                pool_id INTEGER NOT NULL, team_id INTEGER NULL, account TEXT NULL, hour_unix INTEGER NOT NULL, gpu_seconds INTEGER NOT NULL,
                PRIMARY KEY (pool_id, team_id, account, hour_unix))
            """;
        command.ExecuteNonQuery();
        command.CommandText = """
            WITH RECURSIVE offsets(n) AS (
                SELECT 0 UNION ALL SELECT n + 1 FROM offsets
                WHERE n < (SELECT MAX((until_unix - 1) / 3600 - start_unix / 3600) FROM usage_record WHERE until_unix > start_unix))
            INSERT INTO baseline_fact (pool_id, team_id, account, hour_unix, gpu_seconds)
            SELECT r.pool_id, m.team_id, CASE WHEN m.team_id IS NULL THEN r.account END, (r.start_unix / 3600 + o.n) * 3600,
                   SUM(r.gpus * (MIN(r.until_unix, (r.start_unix / 3600 + o.n + 1) * 3600) - MAX(r.start_unix, (r.start_unix / 3600 + o.n) * 3600)))
            FROM usage_record r
            JOIN offsets o ON o.n <= (r.until_unix - 1) / 3600 - r.start_unix / 3600
            LEFT JOIN scheduler_account m ON m.pool_id = r.pool_id AND m.account = r.account
            GROUP BY r.pool_id, m.team_id, CASE WHEN m.team_id IS NULL THEN r.account END, (r.start_unix / 3600 + o.n) * 3600
            """;
        var watch = Stopwatch.StartNew();
        command.ExecuteNonQuery();
        var seconds = watch.Elapsed.TotalSeconds;
        command.CommandText = "SELECT COUNT(*), SUM(gpu_seconds) FROM baseline_fact";
        long rows, total;
        using (var reader = command.ExecuteReader())
        {
            reader.Read();
            rows = reader.GetInt64(0);
            total = reader.GetInt64(1);
        }

        command.CommandText = "SELECT (SELECT COALESCE(SUM(gpu_seconds), 0) FROM usage_fact) + (SELECT COALESCE(SUM(gpu_seconds), 0) FROM unmapped_usage_fact)";
        var kept = (long)command.ExecuteScalar()!;
        if (kept != total)
        {
            throw new InvalidOperationException($"the service's facts hold {kept:N0} GPU-seconds, the aggregation {total:N0}");
        }

        return (seconds, rows);
    }
}
