using System.Net;
using NationalAiEval.Api.Tests.Infrastructure;
using NodaTime;

namespace NationalAiEval.Api.Tests.Reliability;

/// <summary>
/// Two service instances on one database, racing: the same batch sent by two clients, reconciliation while usage
/// arrives and is corrected, detect-idle and month closing run at once. Nothing is stored or counted twice.
/// (Parallel allocations are raced in ProgrammeScenarioTests and AllocationsTests.)
/// </summary>
public abstract class ConcurrencyTests(DatabaseKind kind) : ApiTest(kind)
{
    private async Task<TestApp> SetUpAsync()
    {
        App.Clock.Reset(Instant.FromUtc(2026, 4, 1, 0, 0));
        await Programme.SmallProgrammeAsync("ta", "tb");
        foreach (var (account, team) in new[] { ("acct-a", "ta"), ("acct-b", "tb") })
        {
            await (await Manager.PutJsonAsync($"/api/v1/pools/p8/accounts/{account}", new { team })).ExpectAsync(HttpStatusCode.Created);
        }

        var second = await TestApp.StartAsync(Kind, Instant.FromUtc(2026, 4, 1, 0, 0), shared: App.Database);
        return second;
    }

    private static object[] Records(int from, int count, int minutes) => [.. Enumerable.Range(from, count).Select(i =>
        UsageReports.Job($"j{i}", i % 2 == 0 ? "acct-a" : "acct-b", $"2026-03-{1 + (i % 28):00}T{i % 24:00}:00:00Z",
            $"2026-03-{1 + (i % 28):00}T{i % 24:00}:{minutes:00}:00Z", 1 + (i % 4)))];

    private async Task<long> ScalarAsync(string sql) => (await App.QueryAsync<long>(sql)).Single();

    [Fact]
    public async Task TheSameBatch_SentByTwoClientsAtOnce_IsStoredOnce()
    {
        await using var second = await SetUpAsync();
        var batch = Records(0, 500, 30);

        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(async i =>
            await (await (i % 2 == 0 ? Manager : second.Manager).PostRecordsAsync("p8", batch)).ExpectAsync(HttpStatusCode.OK)));

        Assert.Equal(500, answers.Sum(a => a.Long("inserted")));
        Assert.Equal(2_500, answers.Sum(a => a.Long("unchanged")));
        Assert.Equal(500, await ScalarAsync("SELECT COUNT(*) FROM usage_record"));
    }

    [Fact]
    public async Task ReconciliationRacingIngestionAndCorrections_CountsEverythingExactlyOnce()
    {
        await using var second = await SetUpAsync();

        var ingest = Task.Run(async () =>
        {
            for (var round = 0; round < 6; round++)
            {
                await (await Manager.PostRecordsAsync("p8", Records(round * 100, 100, 30))).ExpectAsync(HttpStatusCode.OK);

                // Corrections of records that may be counted already, or being counted now.
                await (await second.Manager.PostRecordsAsync("p8", Records(round * 50, 50, 45))).ExpectAsync(HttpStatusCode.OK);
            }
        });
        var reconcile = Task.Run(async () =>
        {
            while (!ingest.IsCompleted)
            {
                await Task.WhenAll(Manager.ReconcileAsync(), second.Manager.ReconcileAsync());
            }
        });
        await Task.WhenAll(ingest, reconcile);
        await Manager.ReconcileAsync();

        Assert.Equal(0, await ScalarAsync("SELECT COUNT(*) FROM usage_record WHERE dirty = 1"));
        var records = await ScalarAsync("SELECT SUM(gpu_seconds) FROM usage_record");
        Assert.Equal(records, await ScalarAsync("SELECT SUM(gpu_seconds) FROM usage_fact"));
        Assert.Equal(-records * 1000, await ScalarAsync("SELECT SUM(amount) FROM ledger_entry WHERE resource = 'gpu' AND kind = 'usage'"));
    }

    [Fact]
    public async Task DetectIdleAndMonthClosing_RunAtOnce_GiveOneResult()
    {
        await using var second = await SetUpAsync();
        await (await Manager.PostRecordsAsync("p8", Records(0, 200, 30))).ExpectAsync(HttpStatusCode.OK);
        await Manager.ReconcileAsync();

        await Task.WhenAll(Enumerable.Range(0, 4).Select(async i =>
            await (await (i % 2 == 0 ? Manager : second.Manager).PostAsync("/api/v1/jobs/detect-idle/runs", null)).ExpectAsync(HttpStatusCode.OK)));
        var closes = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => (i % 2 == 0 ? Manager : second.Manager).PostAsync("/api/v1/periods/2026-01/close", null)));

        Assert.Equal(1, closes.Count(c => c.StatusCode == HttpStatusCode.OK));
        Assert.Equal(3, closes.Count(c => c.StatusCode == HttpStatusCode.Conflict));
        Assert.Equal(0, await ScalarAsync("SELECT COUNT(*) FROM idle_fact WHERE leased_gs <> used_gs + allocated_unused_gs + unallocated_gs"));
        var hours = await ScalarAsync("SELECT COUNT(*) FROM idle_fact");
        Assert.Equal(hours, await ScalarAsync("SELECT COUNT(DISTINCT hour_unix) FROM idle_fact"));
        var used = await ScalarAsync("SELECT SUM(used_gs) FROM idle_fact");
        Assert.Equal(await ScalarAsync("SELECT SUM(gpu_seconds) FROM usage_fact"), used);
    }
}

public sealed class ConcurrencyOnSqlite() : ConcurrencyTests(DatabaseKind.Sqlite);

public sealed class ConcurrencyOnSqlServer() : ConcurrencyTests(DatabaseKind.SqlServer);
