using System.Net;
using Hangfire;
using Hangfire.Storage;
using Microsoft.Extensions.DependencyInjection;
using NationalAiEval.Api.Tests.Infrastructure;
using NodaTime;

namespace NationalAiEval.Api.Tests.Reconciliation;

public abstract class ReconciliationTests(DatabaseKind kind) : ApiTest(kind)
{
    /// <summary>Stage "st" (2026-01-16 for 200 days, Seoul), pool p8 (B200) and h100 (H100), teams ta and tb with mapped accounts.</summary>
    private async Task SetUpAsync()
    {
        App.Clock.Reset(Instant.FromUtc(2026, 4, 1, 0, 0));
        await Programme.SmallProgrammeAsync("ta", "tb");
        await Programme.PoolAsync("h100", model: "H100");
        foreach (var (pool, account, team) in new[] { ("p8", "acct-a", "ta"), ("p8", "acct-b", "tb"), ("h100", "acct-a", "ta") })
        {
            await (await Manager.PutJsonAsync($"/api/v1/pools/{pool}/accounts/{account}", new { team })).ExpectAsync(HttpStatusCode.Created);
        }
    }

    private async Task<long> LedgerUsageAsync(string team) =>
        (await App.QueryAsync<long>("""
            SELECT COALESCE(SUM(l.amount), 0) FROM ledger_entry l JOIN participation p ON p.id = l.participation_id JOIN team t ON t.id = p.team_id
            WHERE t.code = @Team AND l.resource = 'gpu' AND l.kind = 'usage'
            """, new { Team = team })).Single();

    private async Task<long> GpuBalanceAsync(string team) =>
        (await App.QueryAsync<long>("""
            SELECT COALESCE(SUM(l.amount), 0) FROM ledger_entry l JOIN participation p ON p.id = l.participation_id JOIN team t ON t.id = p.team_id
            WHERE t.code = @Team AND l.resource = 'gpu'
            """, new { Team = team })).Single();

    private async Task<(long Facts, long Records)> TotalsAsync()
    {
        var facts = (await App.QueryAsync<long>("SELECT COALESCE(SUM(gpu_seconds), 0) FROM usage_fact")).Single()
            + (await App.QueryAsync<long>("SELECT COALESCE(SUM(gpu_seconds), 0) FROM unmapped_usage_fact")).Single();
        return (facts, (await App.QueryAsync<long>("SELECT COALESCE(SUM(gpu_seconds), 0) FROM usage_record")).Single());
    }

    [Fact]
    public async Task AFourGpuJob_From1030To1215_GivesThreeHourlyFacts_AndItsEquivalentInTheLedger()
    {
        await SetUpAsync();
        await (await Manager.PostRecordsAsync("h100", UsageReports.Job("j1", "acct-a", "2026-03-01T10:30:00Z", "2026-03-01T12:15:00Z", 4))).ExpectAsync(HttpStatusCode.OK);

        var summary = await Manager.ReconcileAsync();

        var facts = await App.QueryAsync<long>("SELECT gpu_seconds FROM usage_fact ORDER BY hour_unix");
        Assert.Equal([7200L, 14400L, 3600L], facts);
        Assert.Equal(-(25200L * 500), await LedgerUsageAsync("ta"));
        Assert.Equal((1L, 3L), (summary.Long("records"), summary.Long("factChanges")));
    }

    [Fact]
    public async Task AnExtendedEnd_MovesTheLedgerByExactlyTheDifference()
    {
        await SetUpAsync();
        await (await Manager.PostRecordsAsync("p8", UsageReports.Job("j1", "acct-a", "2026-03-01T00:00:00Z", "2026-03-01T05:00:00Z", 2))).ExpectAsync(HttpStatusCode.OK);
        await Manager.ReconcileAsync();
        var before = await LedgerUsageAsync("ta");

        var changed = await (await Manager.PostRecordsAsync("p8", UsageReports.Job("j1", "acct-a", "2026-03-01T00:00:00Z", "2026-03-01T06:30:00Z", 2))).ExpectAsync(HttpStatusCode.OK);
        await Manager.ReconcileAsync();

        Assert.Equal(1, changed.Long("updated"));
        Assert.Equal(-(2L * 5400 * 1000), await LedgerUsageAsync("ta") - before);
        Assert.Equal((2L * 6.5m * 3600, 2L * 6.5m * 3600), ((decimal)(await TotalsAsync()).Facts, (decimal)(await TotalsAsync()).Records));
    }

    [Fact]
    public async Task RunningTwice_OrTwoAtOnce_GivesTheSameLedger()
    {
        await SetUpAsync();
        var records = Enumerable.Range(0, 300).Select(i => UsageReports.Job($"j{i}", i % 2 == 0 ? "acct-a" : "acct-b",
            $"2026-03-{1 + (i % 28):00}T{i % 24:00}:00:00Z", $"2026-03-{1 + (i % 28):00}T{i % 24:00}:45:00Z", 1 + (i % 8))).ToArray();
        await (await Manager.PostRecordsAsync("p8", records)).ExpectAsync(HttpStatusCode.OK);

        await using var second = await TestApp.StartAsync(Kind, shared: App.Database);
        var runs = await Task.WhenAll(Manager.ReconcileAsync(), second.Manager.ReconcileAsync(), Manager.ReconcileAsync());
        var again = await Manager.ReconcileAsync();

        Assert.Equal(300, runs.Sum(r => r.Long("records")));
        Assert.Equal(0, again.Long("records"));
        var (facts, recorded) = await TotalsAsync();
        Assert.Equal(recorded, facts);
        var expected = records.Cast<dynamic>().Sum(r => (long)r.gpus * 2700L * 1000);
        Assert.Equal(-expected, await LedgerUsageAsync("ta") + await LedgerUsageAsync("tb"));
    }

    [Fact]
    public async Task AnUnmappedAccount_IsKeptAndFlagged_UntilMapped_ThenCharged_AndTheFlagResolves()
    {
        await SetUpAsync();
        await (await Manager.PostRecordsAsync("p8", UsageReports.Job("j1", "ghost", "2026-03-01T00:00:00Z", "2026-03-01T02:00:00Z", 3))).ExpectAsync(HttpStatusCode.OK);
        await Manager.ReconcileAsync();

        var flags = await (await Manager.GetAsync("/api/v1/flags?kind=unmapped-account")).ExpectAsync(HttpStatusCode.OK);
        var flag = Assert.Single(flags.Items());
        Assert.Equal(("open", "ghost", 6m), (flag.Text("status"), flag.Text("account"), flag.Decimal("hours")));
        Assert.Equal((21600L, 21600L), await TotalsAsync());
        Assert.Equal(0, await LedgerUsageAsync("tb"));

        await (await Manager.PutJsonAsync("/api/v1/pools/p8/accounts/ghost", new { team = "tb" })).ExpectAsync(HttpStatusCode.Created);
        await Manager.ReconcileAsync();

        Assert.Equal(-21600L * 1000, await LedgerUsageAsync("tb"));
        Assert.Equal("resolved", (await (await Manager.GetAsync($"/api/v1/flags/{flag.Long("id")}")).ExpectAsync(HttpStatusCode.OK)).Text("status"));
        Assert.Empty(await App.QueryAsync<long>("SELECT gpu_seconds FROM unmapped_usage_fact WHERE gpu_seconds <> 0"));
        Assert.Equal((21600L, 21600L), await TotalsAsync());
    }

    [Fact]
    public async Task UsageOutsideTheWindow_IsFlagged_AndNotCharged()
    {
        await SetUpAsync();

        await (await Manager.PostRecordsAsync("p8", UsageReports.Job("early", "acct-a", "2026-01-10T00:00:00Z", "2026-01-10T01:00:00Z", 1))).ExpectAsync(HttpStatusCode.OK);
        await Manager.ReconcileAsync();

        Assert.Equal(0, await LedgerUsageAsync("ta"));
        var flag = Assert.Single((await (await Manager.GetAsync("/api/v1/flags?kind=outside-window")).ExpectAsync(HttpStatusCode.OK)).Items());
        Assert.Equal(("ta", "p8", 1m), (flag.Text("team"), flag.Text("pool"), flag.Decimal("hours")));
    }

    [Fact]
    public async Task UsageWithoutAllocation_AndBeyondIt_IsFlagged()
    {
        await SetUpAsync();
        await (await Programme.AllocateAsync("st", "ta", "p8", 2, "2026-03-02T00:00:00Z", "2026-03-03T00:00:00Z")).ExpectAsync(HttpStatusCode.Created);

        await (await Manager.PostRecordsAsync("p8",
            UsageReports.Job("none", "acct-a", "2026-03-01T00:00:00Z", "2026-03-01T01:00:00Z", 1),
            UsageReports.Job("over", "acct-a", "2026-03-02T00:00:00Z", "2026-03-02T01:00:00Z", 3),
            UsageReports.Job("fine", "acct-a", "2026-03-02T05:00:00Z", "2026-03-02T06:00:00Z", 2))).ExpectAsync(HttpStatusCode.OK);
        await Manager.ReconcileAsync();

        var noAllocation = Assert.Single((await (await Manager.GetAsync("/api/v1/flags?kind=no-allocation")).ExpectAsync(HttpStatusCode.OK)).Items());
        var overuse = Assert.Single((await (await Manager.GetAsync("/api/v1/flags?kind=overuse")).ExpectAsync(HttpStatusCode.OK)).Items());
        Assert.Equal(1m, noAllocation.Decimal("hours"));
        Assert.Equal(1m, overuse.Decimal("hours"));
        Assert.Equal("2026-03-02T00:00:00Z", overuse.Text("periodStart"));
        Assert.Equal(-(1L + 3 + 2) * 3600 * 1000, await LedgerUsageAsync("ta"));
    }

    [Fact]
    public async Task LateUsage_FromBeforeAnElimination_KeepsTheBalanceAtZero_AndUsageAfterItIsFlagged()
    {
        await SetUpAsync();
        await (await Manager.PostJsonAsync("/api/v1/stages/st/participations/ta/elimination", new { effectiveAt = "2026-03-10T00:00:00Z" })).ExpectAsync(HttpStatusCode.OK);

        await (await Manager.PostRecordsAsync("p8",
            UsageReports.Job("before", "acct-a", "2026-03-09T00:00:00Z", "2026-03-09T10:00:00Z", 4),
            UsageReports.Job("after", "acct-a", "2026-03-11T00:00:00Z", "2026-03-11T01:00:00Z", 1))).ExpectAsync(HttpStatusCode.OK);
        await Manager.ReconcileAsync();

        Assert.Equal(0, await GpuBalanceAsync("ta"));
        Assert.Equal(-(4L * 36000 * 1000), await LedgerUsageAsync("ta"));
        var flag = Assert.Single((await (await Manager.GetAsync("/api/v1/flags?kind=after-end")).ExpectAsync(HttpStatusCode.OK)).Items());
        Assert.Equal(1m, flag.Decimal("hours"));
    }

    [Fact]
    public async Task AnEliminationRecordedLate_ReversesUsageAlreadyChargedAfterIt()
    {
        await SetUpAsync();
        await (await Manager.PostRecordsAsync("p8",
            UsageReports.Job("before", "acct-a", "2026-03-01T00:00:00Z", "2026-03-01T10:00:00Z", 2),
            UsageReports.Job("after", "acct-a", "2026-03-12T00:00:00Z", "2026-03-12T05:00:00Z", 4))).ExpectAsync(HttpStatusCode.OK);
        await Manager.ReconcileAsync();
        Assert.Equal(-(20L + 20) * 3600 * 1000, await LedgerUsageAsync("ta"));

        var ended = await (await Manager.PostJsonAsync("/api/v1/stages/st/participations/ta/elimination", new { effectiveAt = "2026-03-10T00:00:00Z" })).ExpectAsync(HttpStatusCode.OK);
        await Manager.ReconcileAsync();

        var reversed = (await App.QueryAsync<long>("SELECT amount FROM ledger_entry WHERE kind = 'reversal'")).Single();
        Assert.Equal(20L * 3600 * 1000, reversed);
        Assert.Equal(0, await GpuBalanceAsync("ta"));
        Assert.Equal(100_000m - 20, ended.Decimal("forfeitedGpuHours"));
        var quota = Assert.Single((await (await Manager.GetAsync("/api/v1/teams/ta/quota")).ExpectAsync(HttpStatusCode.OK)).Items("stages"));
        Assert.Equal(20m, quota.GetProperty("used").Decimal("equivalentGpuHours"));
    }

    [Fact]
    public async Task UsageBeyondTheEntitlement_IsFlagged()
    {
        App.Clock.Reset(Instant.FromUtc(2026, 4, 1, 0, 0));
        await Programme.PoolAsync("p8");
        await Programme.StageAsync("tiny", entitlementGpuHours: 10);
        await Programme.TeamAsync("ta");
        await (await Programme.AdmitAsync("tiny", "ta")).ExpectAsync(HttpStatusCode.Created);
        await (await Manager.PutJsonAsync("/api/v1/pools/p8/accounts/acct-a", new { team = "ta" })).ExpectAsync(HttpStatusCode.Created);

        await (await Manager.PostRecordsAsync("p8", UsageReports.Job("big", "acct-a", "2026-03-01T00:00:00Z", "2026-03-01T03:00:00Z", 4))).ExpectAsync(HttpStatusCode.OK);
        await Manager.ReconcileAsync();

        var flag = Assert.Single((await (await Manager.GetAsync("/api/v1/flags?kind=entitlement-exceeded")).ExpectAsync(HttpStatusCode.OK)).Items());
        Assert.Equal(("milli-egh-seconds", 2m), (flag.Text("unit"), flag.Decimal("hours")));
    }

    [Fact]
    public async Task Flags_ArePeoplesToAcknowledgeAndResolve_AndATeamSeesOnlyItsOwn()
    {
        await SetUpAsync();
        await (await Manager.PostRecordsAsync("p8",
            UsageReports.Job("a", "acct-a", "2026-03-01T00:00:00Z", "2026-03-01T01:00:00Z", 1),
            UsageReports.Job("b", "acct-b", "2026-03-01T00:00:00Z", "2026-03-01T01:00:00Z", 1))).ExpectAsync(HttpStatusCode.OK);
        await Manager.ReconcileAsync();
        var teamA = await App.ClientAsync("team", "ta");
        var ownFlags = (await (await teamA.GetAsync("/api/v1/flags")).ExpectAsync(HttpStatusCode.OK)).Items();
        var other = Assert.Single((await (await Manager.GetAsync("/api/v1/flags?team=tb")).ExpectAsync(HttpStatusCode.OK)).Items());

        Assert.All(ownFlags, f => Assert.Equal("ta", f.Text("team")));
        Assert.NotEmpty(ownFlags);
        await (await teamA.GetAsync($"/api/v1/flags/{other.Long("id")}")).ExpectProblemAsync(HttpStatusCode.NotFound);
        await (await teamA.GetAsync("/api/v1/flags?team=tb")).ExpectProblemAsync(HttpStatusCode.NotFound);
        await (await teamA.PostJsonAsync($"/api/v1/flags/{ownFlags[0].Long("id")}/resolution", new { comment = "mine" })).ExpectProblemAsync(HttpStatusCode.Forbidden);

        var url = $"/api/v1/flags/{other.Long("id")}";
        var acknowledged = await (await Manager.PostJsonAsync(url + "/acknowledgement", new { comment = "asked tb about it" })).ExpectAsync(HttpStatusCode.OK);
        var resolved = await (await Manager.PostJsonAsync(url + "/resolution", new { comment = "allocation was late" })).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(("acknowledged", "asked tb about it"), (acknowledged.Text("status"), acknowledged.Text("acknowledgement")));
        Assert.Equal(("resolved", "allocation was late"), (resolved.Text("status"), resolved.Text("resolution")));
        await (await Manager.PostJsonAsync(url + "/resolution", new { comment = "again" })).ExpectProblemAsync(HttpStatusCode.Conflict);
        await (await Manager.PostJsonAsync(url + "/acknowledgement", new { })).ExpectProblemAsync(HttpStatusCode.BadRequest, "comment");
        await (await Manager.GetAsync("/api/v1/flags?kind=nonsense")).ExpectProblemAsync(HttpStatusCode.BadRequest, "kind");
    }

    [Fact]
    public async Task AFlag_IsNeverDuplicated_WhileItsCauseLasts()
    {
        await SetUpAsync();
        await (await Manager.PostRecordsAsync("p8", UsageReports.Job("a", "ghost", "2026-03-01T00:00:00Z", "2026-03-01T01:00:00Z", 1))).ExpectAsync(HttpStatusCode.OK);
        await Manager.ReconcileAsync();
        await (await Manager.PostRecordsAsync("p8", UsageReports.Job("b", "ghost", "2026-03-02T00:00:00Z", "2026-03-02T01:00:00Z", 2))).ExpectAsync(HttpStatusCode.OK);
        await Manager.ReconcileAsync();

        var flag = Assert.Single((await (await Manager.GetAsync("/api/v1/flags?kind=unmapped-account")).ExpectAsync(HttpStatusCode.OK)).Items());
        Assert.Equal(3m, flag.Decimal("hours"));
    }

    [Fact]
    public async Task TheRecurringJob_IsRegistered_AndRunsWhenTriggered()
    {
        await SetUpAsync();
        await (await Manager.PostRecordsAsync("p8", UsageReports.Job("j1", "acct-a", "2026-03-01T00:00:00Z", "2026-03-01T01:00:00Z", 1))).ExpectAsync(HttpStatusCode.OK);

        using (var connection = App.Services.GetRequiredService<JobStorage>().GetConnection())
        {
            Assert.Contains(connection.GetRecurringJobs(), job => job.Id == "reconcile-usage" && job.Cron == "*/2 * * * *");
        }

        App.Services.GetRequiredService<IRecurringJobManager>().Trigger("reconcile-usage");

        for (var attempt = 0; attempt < 100 && await LedgerUsageAsync("ta") == 0; attempt++)
        {
            await Task.Delay(100);
        }

        Assert.Equal(-3600L * 1000, await LedgerUsageAsync("ta"));
    }

    [Fact]
    public async Task Reconciliation_IsForManagers()
    {
        var finance = await App.ClientAsync("finance");

        await (await finance.PostAsync("/api/v1/usage/reconciliation", null)).ExpectProblemAsync(HttpStatusCode.Forbidden);
    }
}

public sealed class ReconciliationOnSqlite() : ReconciliationTests(DatabaseKind.Sqlite);

public sealed class ReconciliationOnSqlServer() : ReconciliationTests(DatabaseKind.SqlServer);
