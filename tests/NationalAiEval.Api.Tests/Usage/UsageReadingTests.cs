using System.Net;
using NationalAiEval.Api.Tests.Infrastructure;
using NodaTime;

namespace NationalAiEval.Api.Tests.Usage;

/// <summary>What teams read about their usage: the complete quota, the usage series, drawdowns, and the Slurm limits for providers.</summary>
public abstract class UsageReadingTests(DatabaseKind kind) : ApiTest(kind)
{
    /// <summary>
    /// Stage "st" from 2026-01-16 (Seoul), 200 days, 48,000 EGH (10 B200-equivalent GPUs all the time). Team ta runs 8 H100
    /// (4 equivalent) around the clock from 2026-02-01 on pool h100, and has 8 B200 allocated on p8 until 2026-06-01.
    /// </summary>
    private async Task SetUpAsync()
    {
        App.Clock.Reset(Instant.FromUtc(2026, 3, 1, 0, 0));
        await Programme.PoolAsync("p8", gpus: 16);
        await Programme.PoolAsync("h100", gpus: 16, model: "H100");
        await Programme.StageAsync("st", entitlementGpuHours: 48_000);
        await Programme.TeamAsync("ta", "tb");
        await (await Programme.AdmitAsync("st", "ta")).ExpectAsync(HttpStatusCode.Created);
        await (await Programme.AdmitAsync("st", "tb")).ExpectAsync(HttpStatusCode.Created);
        await (await Manager.PutJsonAsync("/api/v1/pools/h100/accounts/lgai", new { team = "ta" })).ExpectAsync(HttpStatusCode.Created);
        await (await Manager.PutJsonAsync("/api/v1/pools/p8/accounts/lgai", new { team = "ta" })).ExpectAsync(HttpStatusCode.Created);
        await (await Programme.AllocateAsync("st", "ta", "h100", 8, "2026-02-01T00:00:00Z", "2026-03-01T00:00:00Z")).ExpectAsync(HttpStatusCode.Created);
        await (await Programme.AllocateAsync("st", "ta", "p8", 8, "2026-02-01T00:00:00Z", "2026-06-01T00:00:00Z")).ExpectAsync(HttpStatusCode.Created);
        await (await Manager.PostRecordsAsync("h100", UsageReports.Job("run", "lgai", "2026-02-01T00:00:00Z", "2026-03-01T00:00:00Z", 8))).ExpectAsync(HttpStatusCode.OK);
        await Manager.ReconcileAsync();
    }

    [Fact]
    public async Task Quota_ShowsUsedPerPool_Remaining_AllocatedAhead_AndTheForecast()
    {
        await SetUpAsync();
        var team = await App.ClientAsync("team", "ta");

        var stage = Assert.Single((await (await team.GetAsync("/api/v1/teams/ta/quota")).ExpectAsync(HttpStatusCode.OK)).Items("stages"));

        var used = stage.GetProperty("used");
        var h100 = Assert.Single(used.Items("byPool"));
        Assert.Equal(("h100", 8m * 24 * 28, 4m * 24 * 28), (h100.Text("pool"), h100.Decimal("rawGpuHours"), h100.Decimal("equivalentGpuHours")));
        Assert.Equal(4m * 24 * 28, used.Decimal("equivalentGpuHours"));
        Assert.Equal(48_000m - (4m * 24 * 28), stage.Decimal("remainingGpuHours"));
        Assert.Equal(8m * 24 * 92, stage.Decimal("allocatedAheadGpuHours"));
        var forecast = stage.GetProperty("forecast");
        Assert.Equal((96m, 96m * 28 / 30), (forecast.Decimal("burnRate7DaysGpuHoursPerDay"), forecast.Decimal("burnRate30DaysGpuHoursPerDay")));
        Assert.Equal("atRiskOfUnused", forecast.Text("status"));
        Assert.Equal(48_000m - (4m * 24 * 28) - (96m * 155.625m), forecast.Decimal("projectedUnusedGpuHours")); // to 2026-08-03T15:00Z
    }

    [Fact]
    public async Task Quota_ForATeamRunningHot_ProjectsItsExhaustionDate()
    {
        await SetUpAsync();
        await (await Manager.PostRecordsAsync("p8", UsageReports.Job("hot", "lgai", "2026-02-22T00:00:00Z", "2026-03-01T00:00:00Z", 16))).ExpectAsync(HttpStatusCode.OK);
        await Manager.ReconcileAsync();

        var stage = Assert.Single((await (await Manager.GetAsync("/api/v1/teams/ta/quota")).ExpectAsync(HttpStatusCode.OK)).Items("stages"));

        var forecast = stage.GetProperty("forecast");
        Assert.Equal("willExhaustEarly", forecast.Text("status"));
        Assert.Equal(96m + (16m * 24), forecast.Decimal("burnRate7DaysGpuHoursPerDay"));
        var remaining = stage.Decimal("remainingGpuHours");
        var days = (double)(remaining / forecast.Decimal("burnRate7DaysGpuHoursPerDay"));
        var expected = Instant.FromUtc(2026, 3, 1, 0, 0) + Duration.FromSeconds(Math.Ceiling(days * 86400));
        Assert.Equal(expected.ToString(), forecast.Text("projectedExhaustion"));
    }

    [Fact]
    public async Task Usage_PerDay_AddsUpToTheQuota_AndHoursAreUtc()
    {
        await SetUpAsync();

        var days = await (await Manager.GetAsync("/api/v1/teams/ta/usage?from=2026-01-31T15:00:00Z&to=2026-02-28T15:00:00Z&granularity=day")).ExpectAsync(HttpStatusCode.OK);
        var hours = await (await Manager.GetAsync("/api/v1/teams/ta/usage?from=2026-02-01T00:00:00Z&to=2026-02-01T03:00:00Z&granularity=hour")).ExpectAsync(HttpStatusCode.OK);
        var months = await (await Manager.GetAsync("/api/v1/teams/ta/usage?from=2026-01-01T00:00:00Z&to=2026-04-01T00:00:00Z&granularity=month")).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("Asia/Seoul", days.Text("timeZone"));
        Assert.Equal(28, days.Items("buckets").Length);
        Assert.Equal("2026-01-31T15:00:00Z", days.Items("buckets")[0].Text("start"));
        Assert.Equal(15m * 8, days.Items("buckets")[0].Decimal("rawGpuHours")); // 09:00 to 24:00 KST
        Assert.Equal(24m * 8, days.Items("buckets")[1].Decimal("rawGpuHours"));
        Assert.Equal([8m, 8m, 8m], hours.Items("buckets").Select(b => b.Decimal("rawGpuHours")));
        Assert.Equal(4m * 24 * 28, months.GetProperty("total").Decimal("equivalentGpuHours"));
        Assert.Equal(4, months.Items("buckets").Length);
    }

    [Fact]
    public async Task Usage_IsPrivateToTheTeam_AndBadRangesAre400()
    {
        await SetUpAsync();
        var teamB = await App.ClientAsync("team", "tb");

        await (await teamB.GetAsync("/api/v1/teams/ta/usage")).ExpectProblemAsync(HttpStatusCode.NotFound);
        await (await teamB.GetAsync("/api/v1/teams/tb/usage")).ExpectAsync(HttpStatusCode.OK);
        await (await Manager.GetAsync("/api/v1/teams/ta/usage?granularity=week")).ExpectProblemAsync(HttpStatusCode.BadRequest, "granularity");
        await (await Manager.GetAsync("/api/v1/teams/ta/usage?from=2020-01-01T00:00:00Z&granularity=hour")).ExpectProblemAsync(HttpStatusCode.BadRequest, "from");
    }

    [Fact]
    public async Task Drawdowns_ReduceTheDataGrant_AndAreRefusedBeyondIt()
    {
        await SetUpAsync();
        var url = "/api/v1/stages/st/participations/ta/drawdowns";

        await (await Manager.PostJsonAsync(url, new { amountKrw = 800_000_000, vendor = "AI Hub", description = "Korean legal corpus", drawnOn = "2026-02-10" })).ExpectAsync(HttpStatusCode.Created);
        await (await Manager.PostJsonAsync(url, new { amountKrw = 2_000_000_001, vendor = "X", description = "too much", drawnOn = "2026-02-11" }))
            .ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "amountKrw");
        await (await Manager.PostJsonAsync(url, new { amountKrw = 1, vendor = "X", description = "future", drawnOn = "2026-03-02" }))
            .ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "drawnOn");
        await (await Manager.PostJsonAsync(url, new { amountKrw = 0, vendor = "X", description = "zero", drawnOn = "2026-02-11" }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "amountKrw");

        var team = await App.ClientAsync("team", "ta");
        var list = await (await team.GetAsync(url)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal((2_800_000_000L, 800_000_000L, 2_000_000_000L), (list.Long("grantedKrw"), list.Long("drawnKrw"), list.Long("remainingKrw")));
        Assert.Equal("AI Hub", Assert.Single(list.Items("drawdowns")).Text("vendor"));
        var quota = Assert.Single((await (await team.GetAsync("/api/v1/teams/ta/quota")).ExpectAsync(HttpStatusCode.OK)).Items("stages"));
        Assert.Equal(800_000_000, quota.GetProperty("dataGrant").Long("drawnKrw"));
        await (await (await App.ClientAsync("team", "tb")).GetAsync(url)).ExpectProblemAsync(HttpStatusCode.NotFound);
        await (await team.PostJsonAsync(url, new { amountKrw = 1, vendor = "X", description = "self", drawnOn = "2026-02-11" })).ExpectProblemAsync(HttpStatusCode.Forbidden);

        await (await Manager.PostJsonAsync("/api/v1/stages/st/participations/ta/elimination", new { effectiveAt = "2026-03-01T00:00:00Z" })).ExpectAsync(HttpStatusCode.OK);
        var ended = await (await Manager.GetAsync(url)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal((800_000_000L, 0L), (ended.Long("drawnKrw"), ended.Long("remainingKrw")));
        await (await Manager.PostJsonAsync(url, new { amountKrw = 1, vendor = "X", description = "late", drawnOn = "2026-02-28" }))
            .ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "amountKrw");
    }

    [Fact]
    public async Task AnEliminationEffectiveLater_LeavesTheTeamItsRemainderUntilThen()
    {
        await SetUpAsync();
        await (await Manager.PostJsonAsync("/api/v1/stages/st/participations/ta/elimination", new { effectiveAt = "2026-04-01T00:00:00Z" })).ExpectAsync(HttpStatusCode.OK);

        var stage = Assert.Single((await (await Manager.GetAsync("/api/v1/teams/ta/quota")).ExpectAsync(HttpStatusCode.OK)).Items("stages"));
        var script = await (await Manager.GetAsync("/api/v1/pools/h100/slurm/limits")).Content.ReadAsStringAsync();

        Assert.Equal(("eliminated", 48_000m - (4m * 24 * 28)), (stage.Text("status"), stage.Decimal("remainingGpuHours")));
        Assert.Contains($"set GrpTRESMins=gres/gpu={(48_000L - (4L * 24 * 28)) * 60 * 2}", script, StringComparison.Ordinal);

        App.Clock.Reset(Instant.FromUtc(2026, 4, 1, 0, 0));
        var after = Assert.Single((await (await Manager.GetAsync("/api/v1/teams/ta/quota")).ExpectAsync(HttpStatusCode.OK)).Items("stages"));
        Assert.Equal(0m, after.Decimal("remainingGpuHours"));
        Assert.Contains("set GrpTRESMins=gres/gpu=0", await (await Manager.GetAsync("/api/v1/pools/h100/slurm/limits")).Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SlurmLimits_GiveEachAccountItsTeamsRemainingMinutes_OnThisPoolsGpus()
    {
        await SetUpAsync();
        await (await Manager.PutJsonAsync("/api/v1/pools/h100/accounts/spare", new { team = "tb" })).ExpectAsync(HttpStatusCode.Created);
        var provider = await App.ClientAsync("provider", null, "h100");

        var response = await provider.GetAsync("/api/v1/pools/h100/slurm/limits?cluster=nipa");
        var script = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        var remainingEquivalentMinutes = (48_000L - (4L * 24 * 28)) * 60;
        Assert.Contains($"sacctmgr -i modify account where name='lgai' cluster='nipa' set GrpTRESMins=gres/gpu={remainingEquivalentMinutes * 2}", script, StringComparison.Ordinal);
        Assert.Contains("sacctmgr -i modify account where name='lgai' cluster='nipa' set RawUsage=0", script, StringComparison.Ordinal);
        Assert.Contains($"sacctmgr -i modify account where name='spare' cluster='nipa' set GrpTRESMins=gres/gpu={48_000L * 60 * 2}", script, StringComparison.Ordinal);
        await (await provider.GetAsync("/api/v1/pools/p8/slurm/limits")).ExpectProblemAsync(HttpStatusCode.NotFound);
        await (await provider.GetAsync("/api/v1/pools/h100/slurm/limits?cluster=a;b")).ExpectProblemAsync(HttpStatusCode.BadRequest, "cluster");
    }
}

public sealed class UsageReadingOnSqlite() : UsageReadingTests(DatabaseKind.Sqlite);

public sealed class UsageReadingOnSqlServer() : UsageReadingTests(DatabaseKind.SqlServer);
