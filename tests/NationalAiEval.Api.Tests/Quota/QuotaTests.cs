using System.Net;
using NationalAiEval.Api.Tests.Infrastructure;

namespace NationalAiEval.Api.Tests.Quota;

public abstract class QuotaTests(DatabaseKind kind) : ApiTest(kind)
{
    [Fact]
    public async Task Quota_ShowsAllocatedRawPerPool_EquivalentTotal_AndStillToAllocate()
    {
        await Programme.PoolAsync("b200", gpus: 16);
        await Programme.PoolAsync("h100", gpus: 16, model: "H100");
        await Programme.StageAsync("st", entitlementGpuHours: 10_000);
        await Programme.TeamAsync("ta");
        await (await Programme.AdmitAsync("st", "ta")).ExpectAsync(HttpStatusCode.Created);
        await (await Programme.AllocateAsync("st", "ta", "b200", 10, "2026-02-01T00:00:00Z", "2026-02-11T00:00:00Z")).ExpectAsync(HttpStatusCode.Created);
        await (await Programme.AllocateAsync("st", "ta", "h100", 10, "2026-02-01T00:00:00Z", "2026-02-11T00:00:00Z")).ExpectAsync(HttpStatusCode.Created);
        var team = await App.ClientAsync("team", "ta");

        var quota = await (await team.GetAsync("/api/v1/teams/ta/quota")).ExpectAsync(HttpStatusCode.OK);

        var stage = Assert.Single(quota.Items("stages"));
        var pools = stage.GetProperty("allocated").Items("byPool").ToDictionary(p => p.Text("pool"), p => (p.Decimal("rawGpuHours"), p.Decimal("equivalentGpuHours")));
        Assert.Equal((2400m, 2400m), pools["b200"]);
        Assert.Equal((2400m, 1200m), pools["h100"]);
        Assert.Equal(3600m, stage.GetProperty("allocated").Decimal("equivalentGpuHours"));
        Assert.Equal(6400m, stage.Decimal("stillToAllocateGpuHours"));
        Assert.Equal(10_000m, stage.Decimal("entitlementGpuHours"));
        Assert.Equal(2_800_000_000, stage.GetProperty("dataGrant").Long("remainingKrw"));
        Assert.Equal(200, stage.Long("windowDays"));
    }

    [Fact]
    public async Task Quota_AfterElimination_HasNothingStillToAllocate_AndAZeroBalance()
    {
        await Programme.SmallProgrammeAsync("ta");
        await (await Manager.PostJsonAsync("/api/v1/stages/st/participations/ta/elimination", new { effectiveAt = "2026-02-01T00:00:00Z" })).ExpectAsync(HttpStatusCode.OK);
        App.Clock.Reset(NodaTime.Instant.FromUtc(2026, 2, 1, 0, 0));

        var stage = Assert.Single((await (await Manager.GetAsync("/api/v1/teams/ta/quota")).ExpectAsync(HttpStatusCode.OK)).Items("stages"));

        Assert.Equal(("eliminated", 0m, 0m, 0L), (stage.Text("status"), stage.Decimal("stillToAllocateGpuHours"), stage.Decimal("balanceGpuHours"),
            stage.GetProperty("dataGrant").Long("remainingKrw")));
    }

    [Fact]
    public async Task Quota_IsReadableByFinance_NotByProviders_AndUnknownTeamsAre404()
    {
        await Programme.SmallProgrammeAsync("ta");
        var finance = await App.ClientAsync("finance");
        var provider = await App.ClientAsync("provider", null, "p8");

        await (await finance.GetAsync("/api/v1/teams/ta/quota")).ExpectAsync(HttpStatusCode.OK);
        await (await provider.GetAsync("/api/v1/teams/ta/quota")).ExpectProblemAsync(HttpStatusCode.Forbidden);
        await (await Manager.GetAsync("/api/v1/teams/nobody/quota")).ExpectProblemAsync(HttpStatusCode.NotFound);
    }
}

public sealed class QuotaOnSqlite() : QuotaTests(DatabaseKind.Sqlite);

public sealed class QuotaOnSqlServer() : QuotaTests(DatabaseKind.SqlServer);
