using System.Net;
using System.Text.Json;
using NationalAiEval.Api.Tests.Infrastructure;
using NodaTime;

namespace NationalAiEval.Api.Tests.Ledger;

/// <summary>
/// The story the programme itself tells: a team dropped in stage 1 comes back through the re-challenge call while its
/// stage-1 window still runs. Each case replays, through the API, what the outside check found wrong.
/// </summary>
public abstract class CrossStageTests(DatabaseKind kind) : ApiTest(kind)
{
    /// <summary>
    /// Stage s1: 30 days from 04-01; team ta admitted, eliminated 04-10. Stage s2: 60 days from 04-10. Pool p8 (B200)
    /// with ta's account mapped. The clock is on 05-01.
    /// </summary>
    private async Task SetUpAsync()
    {
        App.Clock.Reset(Instant.FromUtc(2026, 5, 1, 0, 0));
        await Programme.PoolAsync("p8", gpus: 8);
        await Programme.StageAsync("s1", startDate: "2026-04-01", durationDays: 30, entitlementGpuHours: 1_000);
        await Programme.StageAsync("s2", startDate: "2026-04-10", durationDays: 60, entitlementGpuHours: 1_000);
        await Programme.TeamAsync("ta");
        await (await Programme.AdmitAsync("s1", "ta", "2026-04-01")).ExpectAsync(HttpStatusCode.Created);
        await (await Manager.PutJsonAsync("/api/v1/pools/p8/accounts/acct-a", new { team = "ta" })).ExpectAsync(HttpStatusCode.Created);
    }

    private async Task EliminateAsync(string stage, string at) =>
        await (await Manager.PostJsonAsync($"/api/v1/stages/{stage}/participations/ta/elimination", new { effectiveAt = at })).ExpectAsync(HttpStatusCode.OK);

    /// <summary>Two GPUs for twelve hours on 04-25: 24 GPU-hours, 24 equivalent (B200).</summary>
    private async Task ReportUsageOn0425Async() =>
        await (await Manager.PostRecordsAsync("p8", UsageReports.Job("j-0425", "acct-a", "2026-04-25T00:00:00Z", "2026-04-25T12:00:00Z", 2)))
            .ExpectAsync(HttpStatusCode.OK);

    private async Task<JsonElement> StageQuotaAsync(string stage) =>
        (await (await Manager.GetAsync("/api/v1/teams/ta/quota")).ExpectAsync(HttpStatusCode.OK)).Items("stages").Single(s => s.Text("stage") == stage);

    private async Task<JsonElement[]> LiveFlagsAsync(string kind) =>
        (await (await Manager.GetAsync($"/api/v1/flags?kind={kind}")).ExpectAsync(HttpStatusCode.OK)).Items().Where(f => f.Text("status") != "resolved").ToArray();

    private static (decimal Total, decimal ByPool) Used(JsonElement stage) =>
        (stage.GetProperty("used").Decimal("equivalentGpuHours"), stage.GetProperty("used").Items("byPool").Sum(p => p.Decimal("equivalentGpuHours")));

    [Fact]
    public async Task ATeamReadmittedWhileItsEndedWindowStillRuns_IsChargedInTheNewStage()
    {
        await SetUpAsync();
        await EliminateAsync("s1", "2026-04-10T00:00:00Z");
        await (await Programme.AdmitAsync("s2", "ta", "2026-04-20", "rechallenge")).ExpectAsync(HttpStatusCode.Created);
        await ReportUsageOn0425Async();

        await Manager.ReconcileAsync();

        Assert.Equal((24m, 24m), Used(await StageQuotaAsync("s2")));
        Assert.Equal((0m, 0m), Used(await StageQuotaAsync("s1")));
        Assert.Empty(await LiveFlagsAsync("after-end"));
    }

    [Fact]
    public async Task UsageCountedBeforeTheReadmission_MovesToTheNewStage_AndItsAfterEndFlagResolves()
    {
        await SetUpAsync();
        await EliminateAsync("s1", "2026-04-10T00:00:00Z");
        await ReportUsageOn0425Async();
        await Manager.ReconcileAsync();
        Assert.Equal(24L * 3600, Assert.Single(await LiveFlagsAsync("after-end")).Long("amount"));

        await (await Programme.AdmitAsync("s2", "ta", "2026-04-20", "rechallenge")).ExpectAsync(HttpStatusCode.Created);

        Assert.Equal((24m, 24m), Used(await StageQuotaAsync("s2")));
        Assert.Empty(await LiveFlagsAsync("after-end"));
        Assert.Equal(0m, (await StageQuotaAsync("s1")).Decimal("balanceGpuHours"));
    }

    [Fact]
    public async Task UsageCountedBeforeTheEliminationWasRecorded_IsReversedAndFlagged()
    {
        await SetUpAsync();
        await ReportUsageOn0425Async();
        await Manager.ReconcileAsync();
        Assert.Equal((24m, 24m), Used(await StageQuotaAsync("s1")));

        await EliminateAsync("s1", "2026-04-20T00:00:00Z");

        var s1 = await StageQuotaAsync("s1");
        Assert.Equal((0m, 0m), Used(s1));
        Assert.Equal(0m, s1.Decimal("balanceGpuHours"));
        Assert.Equal(24L * 3600, Assert.Single(await LiveFlagsAsync("after-end")).Long("amount"));
    }

    [Fact]
    public async Task AnEndRecordedLate_HandsTheOverlapToTheOtherRunningWindow()
    {
        await SetUpAsync();
        await (await Programme.AdmitAsync("s2", "ta", "2026-04-20", "rechallenge")).ExpectAsync(HttpStatusCode.Created);
        await ReportUsageOn0425Async();
        await Manager.ReconcileAsync();

        // Both windows run on 04-25: the earlier one (s1) pays. Ending s1 on 04-22 hands the hours to s2.
        Assert.Equal((24m, 24m), Used(await StageQuotaAsync("s1")));
        await EliminateAsync("s1", "2026-04-22T00:00:00Z");

        Assert.Equal((0m, 0m), Used(await StageQuotaAsync("s1")));
        Assert.Equal((24m, 24m), Used(await StageQuotaAsync("s2")));
        Assert.Empty(await LiveFlagsAsync("after-end"));
    }

    [Fact]
    public async Task ATeamThatWillRunOutEarly_GetsAnEntitlementAtRiskFlag_SayingSo()
    {
        await SetUpAsync();
        App.Clock.Reset(Instant.FromUtc(2026, 4, 10, 0, 0));

        // 8 GPUs around the clock for three days: 576 of 1,000 hours in 9 days of a 30-day window.
        await (await Manager.PostRecordsAsync("p8", UsageReports.Job("burn", "acct-a", "2026-04-07T00:00:00Z", "2026-04-10T00:00:00Z", 8))).ExpectAsync(HttpStatusCode.OK);
        await Manager.ReconcileAsync();
        Assert.Equal("willExhaustEarly", (await StageQuotaAsync("s1")).GetProperty("forecast").Text("status"));

        await (await Manager.PostAsync("/api/v1/jobs/forecast/runs", null)).ExpectAsync(HttpStatusCode.OK);

        var flag = Assert.Single(await LiveFlagsAsync("entitlement-at-risk"));
        Assert.Contains("run out early", flag.Text("detail"), StringComparison.Ordinal);
        Assert.True(flag.Long("amount") > 0);
    }

    [Fact]
    public async Task AOneHourJobSevenDaysAgo_CountsInTheSevenDayPace()
    {
        await SetUpAsync();
        App.Clock.Reset(Instant.FromUtc(2026, 4, 20, 12, 30));
        await (await Manager.PostRecordsAsync("p8", UsageReports.Job("old", "acct-a", "2026-04-13T12:30:00Z", "2026-04-13T13:30:00Z", 7))).ExpectAsync(HttpStatusCode.OK);
        await Manager.ReconcileAsync();

        var forecast = (await StageQuotaAsync("s1")).GetProperty("forecast");

        // The pace window starts at the hour seven days ago (12:00) and runs 7 days and 30 minutes to now: 7 EGH in it.
        Assert.Equal(decimal.Round(7m * 86_400 / ((7 * 86_400) + 1_800), 6), forecast.Decimal("burnRate7DaysGpuHoursPerDay"));
    }
}

public sealed class CrossStageOnSqlite() : CrossStageTests(DatabaseKind.Sqlite);

public sealed class CrossStageOnSqlServer() : CrossStageTests(DatabaseKind.SqlServer);
