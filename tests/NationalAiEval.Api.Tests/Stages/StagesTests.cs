using System.Net;
using NationalAiEval.Api.Tests.Infrastructure;

namespace NationalAiEval.Api.Tests.Stages;

public abstract class StagesTests(DatabaseKind kind) : ApiTest(kind)
{
    [Fact]
    public async Task Create_DefaultsToTheProgrammeZone_AndStoresTheEntitlementExactly()
    {
        var created = await (await Manager.PostJsonAsync("/api/v1/stages",
            new { code = "stage-2", name = "Stage 2", startDate = "2026-01-16", durationDays = 200, entitlementGpuHours = 2_764_800, dataGrantKrw = 2_800_000_000 }))
            .ExpectAsync(HttpStatusCode.Created);

        Assert.Equal("Asia/Seoul", created.Text("timeZone"));
        Assert.Equal("2026-08-04", created.Text("endDate"));
        Assert.Equal(2_764_800L * 3_600_000, created.Long("entitlementMilliEghSeconds"));
    }

    [Theory]
    [InlineData("{\"code\":\"st\",\"name\":\"S\",\"startDate\":\"2026-01-16\",\"durationDays\":0,\"entitlementGpuHours\":1,\"dataGrantKrw\":0}", "durationDays")]
    [InlineData("{\"code\":\"st\",\"name\":\"S\",\"startDate\":\"2026-01-16\",\"durationDays\":10,\"entitlementGpuHours\":0,\"dataGrantKrw\":0}", "entitlementGpuHours")]
    [InlineData("{\"code\":\"st\",\"name\":\"S\",\"startDate\":\"2026-01-16\",\"durationDays\":10,\"entitlementGpuHours\":1,\"dataGrantKrw\":-1}", "dataGrantKrw")]
    [InlineData("{\"code\":\"st\",\"name\":\"S\",\"startDate\":\"2026-02-30\",\"durationDays\":10,\"entitlementGpuHours\":1,\"dataGrantKrw\":0}", "startDate")]
    [InlineData("{\"code\":\"st\",\"name\":\"S\",\"startDate\":\"2026-01-16\",\"durationDays\":10,\"entitlementGpuHours\":1,\"dataGrantKrw\":0,\"timeZone\":\"Mars/Base\"}", "timeZone")]
    [InlineData("{\"code\":\"st\",\"name\":\"S\",\"startDate\":\"2026-01-16\",\"durationDays\":10,\"entitlementGpuHours\":99999999999999999999,\"dataGrantKrw\":0}", "entitlementGpuHours")]
    public async Task Create_WithBadTerms_Is400NamingTheField(string body, string field)
    {
        await (await Manager.PostRawAsync("/api/v1/stages", body)).ExpectProblemAsync(HttpStatusCode.BadRequest, field);

        Assert.Empty((await (await Manager.GetAsync("/api/v1/stages")).ExpectAsync(HttpStatusCode.OK)).Items());
    }

    [Fact]
    public async Task Terms_AreFrozenOnceATeamIsAdmitted_ButTheNameMayChange()
    {
        await Programme.SmallProgrammeAsync("ta");
        var etag = (await Manager.GetAsync("/api/v1/stages/st")).Headers.ETag!.ToString();

        await (await Manager.PatchJsonAsync("/api/v1/stages/st", new { durationDays = 300 }, etag)).ExpectProblemAsync(HttpStatusCode.Conflict);
        var renamed = await (await Manager.PatchJsonAsync("/api/v1/stages/st", new { name = "Second evaluation" }, etag)).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(("Second evaluation", 200L), (renamed.Text("name"), renamed.Long("durationDays")));
    }

    [Fact]
    public async Task Terms_MayChangeBeforeAnyAdmission()
    {
        await Programme.StageAsync("st");
        var etag = (await Manager.GetAsync("/api/v1/stages/st")).Headers.ETag!.ToString();

        var changed = await (await Manager.PatchJsonAsync("/api/v1/stages/st", new { durationDays = 166, entitlementGpuHours = 500 }, etag)).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal((166L, 500m), (changed.Long("durationDays"), changed.Decimal("entitlementGpuHours")));
    }

    [Fact]
    public async Task Equality_InAZoneWithDaylightSaving_CountsDays_AndShowsTheShorterHours()
    {
        await Programme.StageAsync("eu", startDate: "2026-03-01", durationDays: 60, timeZone: "Europe/Berlin");
        await Programme.TeamAsync("early", "late");
        await (await Programme.AdmitAsync("eu", "early", joinDate: "2026-03-01")).ExpectAsync(HttpStatusCode.Created);
        await (await Programme.AdmitAsync("eu", "late", joinDate: "2026-04-01", kind: "rechallenge")).ExpectAsync(HttpStatusCode.Created);

        var proof = await (await Manager.GetAsync("/api/v1/stages/eu/equality")).ExpectAsync(HttpStatusCode.OK);

        Assert.True(proof.GetProperty("allEqual").GetBoolean());
        var hours = proof.Items("participations").ToDictionary(p => p.Text("team"), p => p.Decimal("windowHours"));
        Assert.Equal(60m * 24 - 1, hours["early"]);
        Assert.Equal(60m * 24, hours["late"]);
        Assert.All(proof.Items("participations"), p => Assert.Equal(60, p.Long("windowDays")));
    }

    [Fact]
    public async Task Equality_IsForManagersAndFinance()
    {
        await Programme.SmallProgrammeAsync("ta");
        var finance = await App.ClientAsync("finance");
        var team = await App.ClientAsync("team", "ta");

        await (await finance.GetAsync("/api/v1/stages/st/equality")).ExpectAsync(HttpStatusCode.OK);
        await (await team.GetAsync("/api/v1/stages/st/equality")).ExpectProblemAsync(HttpStatusCode.Forbidden);
        await (await Manager.GetAsync("/api/v1/stages/none/equality")).ExpectProblemAsync(HttpStatusCode.NotFound);
    }
}

public sealed class StagesOnSqlite() : StagesTests(DatabaseKind.Sqlite);

public sealed class StagesOnSqlServer() : StagesTests(DatabaseKind.SqlServer);
