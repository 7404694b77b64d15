using System.Net;
using NationalAiEval.Api.Tests.Infrastructure;
using NodaTime;

namespace NationalAiEval.Api.Tests.Usage;

/// <summary>The real Slurm fixtures through the API: per-account GPU-seconds must equal Slurm's own sreport.</summary>
public abstract class SlurmIngestionTests(DatabaseKind kind) : ApiTest(kind)
{
    private static readonly string[] Accounts = ["lgai", "upstage", "rechallenge1", "skt"];

    /// <summary>Two H200 pools (clusters A and B are two lifetimes of one cluster), a stage over the fixtures' day, one team per account.</summary>
    private async Task ClustersAsync()
    {
        App.Clock.Reset(Instant.FromUtc(2026, 11, 28, 18, 0));
        await Programme.PoolAsync("cluster-a", model: "H200", from: "2026-11-01T00:00:00Z", to: "2026-12-31T00:00:00Z");
        await Programme.PoolAsync("cluster-b", model: "H200", from: "2026-11-01T00:00:00Z", to: "2026-12-31T00:00:00Z");
        await Programme.StageAsync("st", startDate: "2026-11-01", durationDays: 60);
        foreach (var account in Accounts)
        {
            await Programme.TeamAsync($"team-{account}");
            await (await Programme.AdmitAsync("st", $"team-{account}", joinDate: "2026-11-01")).ExpectAsync(HttpStatusCode.Created);
            foreach (var pool in new[] { "cluster-a", "cluster-b" })
            {
                await (await Manager.PutJsonAsync($"/api/v1/pools/{pool}/accounts/{account}", new { team = $"team-{account}" })).ExpectAsync(HttpStatusCode.Created);
            }
        }
    }

    private async Task<Dictionary<string, long>> FactSecondsByAccountAsync(string pool) =>
        (await App.QueryAsync<(string Team, long Seconds)>("""
            SELECT t.code, SUM(f.gpu_seconds) FROM usage_fact f JOIN team t ON t.id = f.team_id JOIN pool p ON p.id = f.pool_id
            WHERE p.code = @Pool GROUP BY t.code
            """, new { Pool = pool }))
        .Where(r => r.Seconds != 0).ToDictionary(r => r.Team["team-".Length..], r => r.Seconds);

    private async Task<Dictionary<string, long>> LedgerUsageByTeamAsync() =>
        (await App.QueryAsync<(string Team, long Amount)>("""
            SELECT t.code, SUM(l.amount) FROM ledger_entry l JOIN participation p ON p.id = l.participation_id JOIN team t ON t.id = p.team_id
            WHERE l.resource = 'gpu' AND l.kind = 'usage' GROUP BY t.code
            """)).ToDictionary(r => r.Team, r => r.Amount);

    [Theory]
    [InlineData("cluster-a", "cluster-a-jobs.psv")]
    [InlineData("cluster-b", "cluster-b-final-with-steps.psv")]
    public async Task EachFixture_GivesSlurmsOwnGpuSecondsPerAccount(string pool, string file)
    {
        await ClustersAsync();

        var summary = await (await Manager.PostSacctAsync(pool, SlurmFixtures.Text(file))).ExpectAsync(HttpStatusCode.OK);
        await Manager.ReconcileAsync();

        Assert.Equal(8, summary.Long("inserted"));
        Assert.Equal(SlurmFixtures.SreportSeconds().OrderBy(x => x.Key), (await FactSecondsByAccountAsync(pool)).OrderBy(x => x.Key));
        var ledger = await LedgerUsageByTeamAsync();
        Assert.Equal(-290L * 600, ledger["team-lgai"]);
    }

    [Fact]
    public async Task EveryFixture_ReplayedTwice_LeavesTheLedgerUnchanged()
    {
        await ClustersAsync();
        await (await Manager.PostSacctAsync("cluster-a", SlurmFixtures.Text("cluster-a-jobs.psv"))).ExpectAsync(HttpStatusCode.OK);
        await (await Manager.PostSacctAsync("cluster-b", SlurmFixtures.Text("cluster-b-running-snapshot.psv"))).ExpectAsync(HttpStatusCode.OK);
        await (await Manager.PostSacctAsync("cluster-b", SlurmFixtures.Text("cluster-b-final-with-steps.psv"))).ExpectAsync(HttpStatusCode.OK);
        await Manager.ReconcileAsync();
        var ledger = await LedgerUsageByTeamAsync();
        var entries = await App.RowCountsAsync();

        foreach (var (pool, file) in new[] { ("cluster-a", "cluster-a-jobs.psv"), ("cluster-b", "cluster-b-running-snapshot.psv"), ("cluster-b", "cluster-b-final-with-steps.psv") })
        {
            var again = await (await Manager.PostSacctAsync(pool, SlurmFixtures.Text(file))).ExpectAsync(HttpStatusCode.OK);
            Assert.Equal(0, again.Long("inserted") + again.Long("updated"));
        }

        var second = await Manager.ReconcileAsync();
        Assert.Equal(0, second.Long("records"));
        Assert.Equal(ledger, await LedgerUsageByTeamAsync());
        Assert.Equal(entries["ledger_entry"], (await App.RowCountsAsync())["ledger_entry"]);
        Assert.Equal(SlurmFixtures.SreportSeconds().OrderBy(x => x.Key), (await FactSecondsByAccountAsync("cluster-b")).OrderBy(x => x.Key));
    }

    [Fact]
    public async Task TheRunningSnapshot_ThenTheFinalOutput_EndsWithTheFinalFigures_NotTheirSum()
    {
        await ClustersAsync();

        var snapshot = await (await Manager.PostSacctAsync("cluster-b", SlurmFixtures.Text("cluster-b-running-snapshot.psv"))).ExpectAsync(HttpStatusCode.OK);
        await Manager.ReconcileAsync();
        var running = await FactSecondsByAccountAsync("cluster-b");
        var final = await (await Manager.PostSacctAsync("cluster-b", SlurmFixtures.Text("cluster-b-final-with-steps.psv"))).ExpectAsync(HttpStatusCode.OK);
        await Manager.ReconcileAsync();

        Assert.Equal((3L, 7L), (snapshot.Long("inserted"), snapshot.Long("notStarted")));
        Assert.Equal(new Dictionary<string, long> { ["rechallenge1"] = 12, ["upstage"] = 24 + 8 }, running);
        Assert.Equal((5L, 3L), (final.Long("inserted"), final.Long("updated")));
        Assert.Equal(SlurmFixtures.SreportSeconds().OrderBy(x => x.Key), (await FactSecondsByAccountAsync("cluster-b")).OrderBy(x => x.Key));
        Assert.Equal(-260L * 600, (await LedgerUsageByTeamAsync())["team-upstage"]);
    }

    [Fact]
    public async Task AStaleRunningSnapshot_AfterTheFinalOutput_ChangesNothing()
    {
        await ClustersAsync();
        await (await Manager.PostSacctAsync("cluster-b", SlurmFixtures.Text("cluster-b-final-with-steps.psv"))).ExpectAsync(HttpStatusCode.OK);

        var late = await (await Manager.PostSacctAsync("cluster-b", SlurmFixtures.Text("cluster-b-running-snapshot.psv"))).ExpectAsync(HttpStatusCode.OK);
        await Manager.ReconcileAsync();

        Assert.Equal((0L, 3L), (late.Long("updated"), late.Long("stale")));
        Assert.Equal(SlurmFixtures.SreportSeconds().OrderBy(x => x.Key), (await FactSecondsByAccountAsync("cluster-b")).OrderBy(x => x.Key));
    }

    [Theory]
    [InlineData("JobID|Account|AllocTRES|Start|End\n1|x\n", 2)]
    [InlineData("JobID|Account|AllocTRES|Start|End|ElapsedRaw\n1|lgai|gres/gpu=1|2026-11-28T09:00:00|2026-11-28T10:00:00|3600\n2|lgai|gres/gpu=1|2026-11-28T09:00|2026-11-28T10:00:00|3600\n", 3)]
    [InlineData("JobID|Account|AllocTRES|Start|End|ElapsedRaw\n1|lgai|gres/gpu=1|2026-11-28T09:00:00|2026-11-28T10:00:00|3600\n2|lgai|gres/gpu=1|2026-11-28T09:00:00|2026-11-28T10:00:00|3600|extra\n", 3)]
    [InlineData("JobID|Account|Start|End\n", 1)]
    public async Task AMalformedLine_Is400NamingIt_AndNothingIsWritten(string text, int line)
    {
        await ClustersAsync();
        var before = await App.RowCountsAsync();

        var problem = await (await Manager.PostSacctAsync("cluster-a", text)).ExpectProblemAsync(HttpStatusCode.BadRequest, $"line {line}");

        Assert.Equal(line, problem.GetProperty("line").GetInt32());
        Assert.Equal(before, await App.RowCountsAsync());
    }

    [Fact]
    public async Task SlurmLocalTimes_AreReadInTheGivenZone()
    {
        await ClustersAsync();

        await (await Manager.PostSacctAsync("cluster-a", "JobID|Account|AllocTRES|Start|End|ElapsedRaw\n77|lgai|gres/gpu=2|2026-11-28T09:30:00|2026-11-28T10:30:00|3600\n", "Asia/Seoul"))
            .ExpectAsync(HttpStatusCode.OK);
        await Manager.ReconcileAsync();

        var hours = await App.QueryAsync<(long Hour, long Seconds)>("SELECT hour_unix, gpu_seconds FROM usage_fact ORDER BY hour_unix");
        Assert.Equal([(Instant.FromUtc(2026, 11, 28, 0, 0).ToUnixTimeSeconds(), 3600L), (Instant.FromUtc(2026, 11, 28, 1, 0).ToUnixTimeSeconds(), 3600L)], hours);
        await (await Manager.PostSacctAsync("cluster-a", "JobID|Account|AllocTRES|Start|End\n", "Mars/Base")).ExpectProblemAsync(HttpStatusCode.BadRequest, "timeZone");
    }

    [Fact]
    public async Task SacctText_MustBeSentAsTextPlain()
    {
        await ClustersAsync();

        await (await Manager.PostRawAsync("/api/v1/pools/cluster-a/usage/sacct", "JobID|Account\n", "application/json"))
            .ExpectProblemAsync(HttpStatusCode.UnsupportedMediaType);
    }
}

public sealed class SlurmIngestionOnSqlite() : SlurmIngestionTests(DatabaseKind.Sqlite);

public sealed class SlurmIngestionOnSqlServer() : SlurmIngestionTests(DatabaseKind.SqlServer);
