using System.Collections.Concurrent;
using System.Net;
using Microsoft.Data.Sqlite;
using NationalAiEval.Api.Tests.Infrastructure;

namespace NationalAiEval.Api.Tests.Reliability;

/// <summary>
/// The real service killed with SIGKILL in the middle of large ingestions and of a reconciliation, then restarted on
/// the same database: every accepted record is there exactly once, a batch in flight is all there or not at all, and
/// after reconciling, the facts and the ledger equal a recomputation from the records.
/// </summary>
[Trait(TestKinds.Name, TestKinds.Process)]
public sealed class CrashSafetyTests : IAsyncDisposable
{
    private const int Batches = 60;
    private const int BatchSize = 2_000;

    private readonly TestDatabase _database = TestDatabase.Create(DatabaseKind.Sqlite);

    private string[] Arguments => ["--Database:Provider=Sqlite", $"--ConnectionStrings:Sqlite={_database.ConnectionString}", "--Clock:Now=2026-06-01T00:00:00Z"];

    [Fact]
    public async Task KilledDuringIngestionAndReconciliation_NothingIsLostOrCountedTwice()
    {
        var (exit, output) = await ServiceProcess.RunAsync(["keys", "create", "--role", "manager", "--name", "crash", .. Arguments]);
        Assert.True(exit == 0, output);
        var secret = output.TrimEnd().Split('\n')[^1].Trim();

        var service = await ServiceProcess.StartAsync(Arguments);
        await SetUpAsync(service.Client(secret));

        // Ingestion: four clients send batches; the service is killed once ten are acknowledged.
        var accepted = new ConcurrentBag<int>();
        var sent = new ConcurrentBag<int>();
        var next = -1;
        var clients = Enumerable.Range(0, 4).Select(async _ =>
        {
            using var client = service.Client(secret);
            int batch;
            while ((batch = Interlocked.Increment(ref next)) < Batches)
            {
                sent.Add(batch);
                try
                {
                    var response = await client.PostRecordsAsync("p8", Batch(batch));
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        accepted.Add(batch);
                    }
                }
                catch (HttpRequestException)
                {
                    return;
                }
            }
        }).ToList();
        while (accepted.Count < 10)
        {
            await Task.Delay(20);
        }

        await service.KillAsync();
        await Task.WhenAll(clients);
        await service.DisposeAsync();

        var stored = await RecordsPerBatchAsync();
        Assert.All(accepted, b => Assert.Equal(BatchSize, stored.GetValueOrDefault(b)));
        Assert.All(stored, s => Assert.True(s.Value == BatchSize && sent.Contains(s.Key), $"batch {s.Key}: {s.Value} records"));
        Assert.True(stored.Count < Batches, "the kill came after every batch: nothing was in flight");

        // Restart; send everything again (the clients' retry): what was stored is not stored twice.
        service = await ServiceProcess.StartAsync(Arguments);
        using (var client = service.Client(secret))
        {
            for (var batch = 0; batch < Batches; batch++)
            {
                await (await client.PostRecordsAsync("p8", Batch(batch))).ExpectAsync(HttpStatusCode.OK);
            }

            // Reconciliation, killed part way through.
            var reconciling = client.PostAsync("/api/v1/usage/reconciliation", null);
            while (await CountAsync("SELECT COUNT(*) FROM usage_record WHERE dirty = 0") < BatchSize)
            {
                await Task.Delay(10);
            }

            await service.KillAsync();
            await Assert.ThrowsAnyAsync<Exception>(() => reconciling);
        }

        var counted = await CountAsync("SELECT COUNT(*) FROM usage_record WHERE dirty = 0");
        Assert.InRange(counted, 1, (Batches * BatchSize) - 1);
        await AssertFactsAndLedgerMatchCountedRecordsAsync();

        await service.DisposeAsync();
        service = await ServiceProcess.StartAsync(Arguments);
        using (var client = service.Client(secret))
        {
            await (await client.PostAsync("/api/v1/usage/reconciliation", null)).ExpectAsync(HttpStatusCode.OK);
        }

        await service.DisposeAsync();
        Assert.Equal(Batches * BatchSize, await CountAsync("SELECT COUNT(*) FROM usage_record WHERE dirty = 0"));
        Assert.Equal(Batches * BatchSize, await CountAsync("SELECT COUNT(*) FROM usage_record"));
        await AssertFactsAndLedgerMatchCountedRecordsAsync();
    }

    private static async Task SetUpAsync(HttpClient manager)
    {
        var programme = new Programme(manager);
        await programme.PoolAsync("p8", gpus: 4096);
        await programme.StageAsync("st", entitlementGpuHours: 100_000_000);
        await programme.TeamAsync("ta", "tb");
        foreach (var team in new[] { "ta", "tb" })
        {
            await (await programme.AdmitAsync("st", team)).ExpectAsync(HttpStatusCode.Created);
            await (await manager.PutJsonAsync($"/api/v1/pools/p8/accounts/acct-{team}", new { team })).ExpectAsync(HttpStatusCode.Created);
        }
    }

    /// <summary>Batch b: records b-0 ... b-1999, each a job of 1-8 GPUs for 1-120 minutes in March, of team A or B.</summary>
    private static object[] Batch(int batch) => [.. Enumerable.Range(0, BatchSize).Select(i =>
    {
        var start = new DateTime(2026, 3, 1, 0, 0, 0, DateTimeKind.Utc).AddMinutes(((batch * BatchSize) + i) % (28 * 24 * 60));
        return UsageReports.Job($"{batch}-{i}", i % 2 == 0 ? "acct-ta" : "acct-tb", start.ToString("yyyy-MM-ddTHH:mm:ssZ"),
            start.AddMinutes(1 + (i % 120)).ToString("yyyy-MM-ddTHH:mm:ssZ"), 1 + (i % 8));
    })];

    private async Task<Dictionary<int, long>> RecordsPerBatchAsync()
    {
        await using var connection = new SqliteConnection(_database.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT external_id FROM usage_record";
        var perBatch = new Dictionary<int, long>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var batch = int.Parse(reader.GetString(0).Split('-')[0], System.Globalization.CultureInfo.InvariantCulture);
            perBatch[batch] = perBatch.GetValueOrDefault(batch) + 1;
        }

        return perBatch;
    }

    private async Task<long> CountAsync(string sql)
    {
        await using var connection = new SqliteConnection(_database.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// The facts hold exactly what the counted records say (per team), and each team's ledger usage is that times the
    /// B200 weight (1000 per mille): whatever the kill interrupted was rolled back whole.
    /// </summary>
    private async Task AssertFactsAndLedgerMatchCountedRecordsAsync()
    {
        foreach (var team in new[] { "ta", "tb" })
        {
            var records = await CountAsync($"""
                SELECT COALESCE(SUM(r.gpu_seconds), 0) FROM usage_record r
                WHERE r.dirty = 0 AND r.account = 'acct-{team}'
                """);
            var facts = await CountAsync($"SELECT COALESCE(SUM(f.gpu_seconds), 0) FROM usage_fact f JOIN team t ON t.id = f.team_id WHERE t.code = '{team}'");
            var ledger = await CountAsync($"""
                SELECT COALESCE(SUM(l.amount), 0) FROM ledger_entry l JOIN participation p ON p.id = l.participation_id JOIN team t ON t.id = p.team_id
                WHERE t.code = '{team}' AND l.resource = 'gpu' AND l.kind = 'usage'
                """);
            Assert.Equal(records, facts);
            Assert.Equal(-records * 1000, ledger);
        }
    }

    public async ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        await _database.DisposeAsync();
    }
}
