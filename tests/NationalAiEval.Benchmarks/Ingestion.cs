using System.Diagnostics;
using System.Net.Http.Headers;
using Microsoft.Data.Sqlite;
using NationalAiEval.Api.Auth;

namespace NationalAiEval.Benchmarks;

/// <summary>Sends a workload's records through HTTP, in batches per pool, two requests in flight (as two scheduler hooks would).</summary>
public static class Ingestion
{
    public const int BatchSize = 10_000;

    public enum Format
    {
        Json,
        Sacct,
    }

    /// <summary>Records <c>[first, first + count)</c> of a stream of <paramref name="streamLength"/>; returns the seconds taken.</summary>
    public static async Task<double> SendAsync(BenchService service, Workload workload, Format format, long first, long count, long streamLength, string prefix = "job")
    {
        using var client = service.Client(await service.KeyAsync(Role.Manager), connections: 4);
        var watch = Stopwatch.StartNew();
        var inFlight = new List<Task>();
        foreach (var batch in Batches(workload, first, count, streamLength, prefix))
        {
            var body = format == Format.Json ? Workload.JsonBatch(batch) : Workload.SacctBatch(batch);
            var path = format == Format.Json
                ? $"/api/v1/pools/{Workload.PoolCode(batch[0].Pool)}/usage"
                : $"/api/v1/pools/{Workload.PoolCode(batch[0].Pool)}/usage/sacct?timeZone=UTC";
            var content = new ByteArrayContent(body);
            content.Headers.ContentType = new MediaTypeHeaderValue(format == Format.Json ? "application/json" : "text/plain");
            inFlight.Add(PostAsync(client, path, content, batch.Count));
            if (inFlight.Count >= 2)
            {
                var done = await Task.WhenAny(inFlight);
                inFlight.Remove(done);
                await done;
            }
        }

        await Task.WhenAll(inFlight);
        return watch.Elapsed.TotalSeconds;
    }

    private static async Task PostAsync(HttpClient client, string path, HttpContent content, int expected)
    {
        using var response = await client.PostAsync(path, content);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode || !text.Contains($"\"inserted\":{expected}", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{path}: {(int)response.StatusCode} {text[..Math.Min(400, text.Length)]}");
        }
    }

    /// <summary>Batches of one pool each, so that each request takes one pool's lock, as a pool's scheduler would send them.</summary>
    private static IEnumerable<List<UsageRow>> Batches(Workload workload, long first, long count, long streamLength, string prefix)
    {
        var perPool = new List<UsageRow>[workload.Pools];
        for (var p = 0; p < workload.Pools; p++)
        {
            perPool[p] = new List<UsageRow>(BatchSize);
        }

        for (var i = first; i < first + count; i++)
        {
            var row = workload.Record(i, streamLength, prefix);
            var list = perPool[row.Pool];
            list.Add(row);
            if (list.Count == BatchSize)
            {
                yield return list;
                perPool[row.Pool] = new List<UsageRow>(BatchSize);
            }
        }

        foreach (var rest in perPool.Where(l => l.Count > 0))
        {
            yield return rest;
        }
    }

    /// <summary>
    /// The baseline: the same rows inserted into the same table (same schema and indexes, the service's database
    /// file) by a plain prepared-statement loop in one transaction with Microsoft.Data.Sqlite.
    /// </summary>
    public static double BaselineInsertSeconds(string databasePath, Workload workload, long count, string prefix)
    {
        using var connection = new SqliteConnection($"Data Source={databasePath}");
        connection.Open();
        var poolIds = new long[workload.Pools];
        for (var p = 0; p < workload.Pools; p++)
        {
            using var find = connection.CreateCommand();
            find.CommandText = "SELECT id FROM pool WHERE code = $code";
            find.Parameters.AddWithValue("$code", Workload.PoolCode(p));
            poolIds[p] = (long)find.ExecuteScalar()!;
        }

        var watch = Stopwatch.StartNew();
        using var transaction = connection.BeginTransaction();
        using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = """
            INSERT INTO usage_record (pool_id, external_id, account, start_unix, end_unix, until_unix, gpus, gpu_seconds, source, revision, received_unix, dirty, job_id)
            VALUES ($pool, $external, $account, $start, $end, $end, $gpus, $seconds, 'json', 1, $received, 1, $external)
            """;
        var pool = insert.Parameters.Add("$pool", SqliteType.Integer);
        var external = insert.Parameters.Add("$external", SqliteType.Text);
        var account = insert.Parameters.Add("$account", SqliteType.Text);
        var start = insert.Parameters.Add("$start", SqliteType.Integer);
        var end = insert.Parameters.Add("$end", SqliteType.Integer);
        var gpus = insert.Parameters.Add("$gpus", SqliteType.Integer);
        var seconds = insert.Parameters.Add("$seconds", SqliteType.Integer);
        insert.Parameters.AddWithValue("$received", workload.Now.ToUnixTimeSeconds());
        insert.Prepare();
        for (var i = 0L; i < count; i++)
        {
            var row = workload.Record(i, count, prefix);
            pool.Value = poolIds[row.Pool];
            external.Value = row.ExternalId;
            account.Value = row.Account;
            start.Value = row.StartUnix;
            end.Value = row.EndUnix;
            gpus.Value = row.Gpus;
            seconds.Value = (row.EndUnix - row.StartUnix) * row.Gpus;
            insert.ExecuteNonQuery();
        }

        transaction.Commit();
        return watch.Elapsed.TotalSeconds;
    }

    /// <summary>Peak resident memory of this process since the last reset, in MB (Linux: VmHWM).</summary>
    public static double PeakResidentMegabytes()
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) / 1024.0;
    }

    /// <summary>Resets the peak (Linux: writing 5 to clear_refs), so that the next peak is the next measurement's.</summary>
    public static void ResetPeakResident()
    {
        GC.Collect();
        File.WriteAllText("/proc/self/clear_refs", "5");
    }
}
