using System.Net;
using NationalAiEval.Api.Tests.Infrastructure;
using NodaTime;

namespace NationalAiEval.Api.Tests.Allocations;

public abstract class AllocationsTests(DatabaseKind kind) : ApiTest(kind)
{
    [Fact]
    public async Task Rules_AreEnforced_With422NamingTheRule()
    {
        await Programme.PoolAsync("p8");
        await Programme.PoolAsync("own");
        await Programme.StageAsync("st");
        await Programme.TeamAsync("ta", "skt", "outsider");
        await (await Programme.AdmitAsync("st", "ta")).ExpectAsync(HttpStatusCode.Created);
        await (await Programme.AdmitAsync("st", "skt", eligibleFrom: "2026-07-01", excludedPools: ["own"])).ExpectAsync(HttpStatusCode.Created);

        var beforeWindow = await (await Programme.AllocateAsync("st", "ta", "p8", 1, "2026-01-15T00:00:00Z", "2026-01-20T00:00:00Z")).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "start");
        var afterWindow = await (await Programme.AllocateAsync("st", "ta", "p8", 1, "2026-08-01T00:00:00Z", "2026-08-04T00:00:00Z")).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "start");
        var ineligible = await (await Programme.AllocateAsync("st", "skt", "p8", 1, "2026-06-30T00:00:00Z", "2026-07-02T00:00:00Z")).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "start");
        var excluded = await (await Programme.AllocateAsync("st", "skt", "own", 1, "2026-07-01T00:00:00Z", "2026-07-02T00:00:00Z")).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "pool");
        var notAdmitted = await (await Programme.AllocateAsync("st", "outsider", "p8", 1, "2026-02-01T00:00:00Z", "2026-02-02T00:00:00Z")).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "team");

        Assert.EndsWith("outside-window", beforeWindow.Text("type"));
        Assert.EndsWith("outside-window", afterWindow.Text("type"));
        Assert.EndsWith("before-eligibility", ineligible.Text("type"));
        Assert.EndsWith("excluded-pool", excluded.Text("type"));
        Assert.EndsWith("not-admitted", notAdmitted.Text("type"));
        await (await Programme.AllocateAsync("st", "skt", "p8", 1, "2026-06-30T15:00:00Z", "2026-07-02T00:00:00Z")).ExpectAsync(HttpStatusCode.Created);
    }

    [Theory]
    [InlineData("{\"stage\":\"st\",\"team\":\"ta\",\"pool\":\"p8\",\"gpus\":0,\"start\":\"2026-02-01T00:00:00Z\",\"end\":\"2026-02-02T00:00:00Z\"}", "gpus")]
    [InlineData("{\"stage\":\"st\",\"team\":\"ta\",\"pool\":\"p8\",\"gpus\":-1,\"start\":\"2026-02-01T00:00:00Z\",\"end\":\"2026-02-02T00:00:00Z\"}", "gpus")]
    [InlineData("{\"stage\":\"st\",\"team\":\"ta\",\"pool\":\"p8\",\"gpus\":1.5,\"start\":\"2026-02-01T00:00:00Z\",\"end\":\"2026-02-02T00:00:00Z\"}", "gpus")]
    [InlineData("{\"stage\":\"st\",\"team\":\"ta\",\"pool\":\"p8\",\"gpus\":1,\"start\":\"2026-02-02T00:00:00Z\",\"end\":\"2026-02-01T00:00:00Z\"}", "end")]
    [InlineData("{\"stage\":\"st\",\"team\":\"ta\",\"pool\":\"p8\",\"gpus\":1,\"start\":\"2026-02-01\",\"end\":\"2026-02-02T00:00:00Z\"}", "start")]
    [InlineData("{\"stage\":\"st\",\"team\":\"ta\",\"gpus\":1,\"start\":\"2026-02-01T00:00:00Z\",\"end\":\"2026-02-02T00:00:00Z\"}", "pool")]
    [InlineData("{\"stage\":\"st\",\"team\":\"ta\",\"pool\":\"p8\",\"gpus\":1,\"start\":\"2026-02-01T00:00:00Z\",\"end\":\"2150-02-02T00:00:00Z\"}", "end")]
    [InlineData("{\"stage\":\"st\",\"team\":[\"ta\"],\"pool\":\"p8\",\"gpus\":1,\"start\":\"2026-02-01T00:00:00Z\",\"end\":\"2026-02-02T00:00:00Z\"}", "team")]
    public async Task BadRequests_Are400NamingTheField_AndWriteNothing(string body, string field)
    {
        await Programme.SmallProgrammeAsync("ta");

        await (await Manager.PostRawAsync("/api/v1/allocations", body)).ExpectProblemAsync(HttpStatusCode.BadRequest, field);

        Assert.Empty((await (await Manager.GetAsync("/api/v1/allocations")).ExpectAsync(HttpStatusCode.OK)).Items());
    }

    [Fact]
    public async Task BackToBackAllocations_FillThePoolExactly()
    {
        await Programme.SmallProgrammeAsync("ta", "tb");

        await (await Programme.AllocateAsync("st", "ta", "p8", 8, "2026-02-01T00:00:00Z", "2026-03-01T00:00:00Z")).ExpectAsync(HttpStatusCode.Created);
        await (await Programme.AllocateAsync("st", "tb", "p8", 8, "2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z")).ExpectAsync(HttpStatusCode.Created);
        var overlap = await (await Programme.AllocateAsync("st", "tb", "p8", 1, "2026-02-28T23:00:00Z", "2026-03-01T01:00:00Z")).ExpectProblemAsync(HttpStatusCode.Conflict);

        Assert.Equal("2026-02-28T23:00:00Z", overlap.GetProperty("overCommitted").Text("from"));
        Assert.Equal("2026-03-01T01:00:00Z", overlap.GetProperty("overCommitted").Text("to"));
    }

    [Fact]
    public async Task Shorten_NeedsIfMatch_CannotReachThePast_AndCannotExtend()
    {
        await Programme.SmallProgrammeAsync("ta");
        var created = await Programme.AllocateAsync("st", "ta", "p8", 4, "2026-01-16T00:00:00Z", "2026-03-01T00:00:00Z");
        var id = (await created.ExpectAsync(HttpStatusCode.Created)).Long("id");
        var etag = created.Headers.ETag!.ToString();
        App.Clock.Reset(Instant.FromUtc(2026, 2, 1, 0, 0));
        var url = $"/api/v1/allocations/{id}";

        await (await Manager.PatchJsonAsync(url, new { end = "2026-02-15T00:00:00Z" })).ExpectProblemAsync(HttpStatusCode.PreconditionRequired);
        await (await Manager.PatchJsonAsync(url, new { end = "2026-01-20T00:00:00Z" }, etag)).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "end");
        await (await Manager.PatchJsonAsync(url, new { end = "2026-04-01T00:00:00Z" }, etag)).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "end");
        var shortened = await Manager.PatchJsonAsync(url, new { end = "2026-02-15T00:00:00Z" }, etag);

        Assert.Equal("2026-02-15T00:00:00Z", (await shortened.ExpectAsync(HttpStatusCode.OK)).Text("end"));
        await (await Manager.PatchJsonAsync(url, new { end = "2026-02-10T00:00:00Z" }, etag)).ExpectProblemAsync(HttpStatusCode.PreconditionFailed);
        await (await Programme.AllocateAsync("st", "ta", "p8", 8, "2026-02-15T00:00:00Z", "2026-03-01T00:00:00Z")).ExpectAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Delete_BeforeStart_FreesTheCapacity_ButAfterStart_Is409()
    {
        await Programme.SmallProgrammeAsync("ta");
        var future = (await (await Programme.AllocateAsync("st", "ta", "p8", 8, "2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z")).ExpectAsync(HttpStatusCode.Created)).Long("id");
        var started = (await (await Programme.AllocateAsync("st", "ta", "p8", 8, "2026-01-16T00:00:00Z", "2026-02-01T00:00:00Z")).ExpectAsync(HttpStatusCode.Created)).Long("id");
        App.Clock.Reset(Instant.FromUtc(2026, 1, 20, 0, 0));

        var deleted = await Manager.DeleteAsync($"/api/v1/allocations/{future}");
        var refused = await Manager.DeleteAsync($"/api/v1/allocations/{started}");

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        await refused.ExpectProblemAsync(HttpStatusCode.Conflict);
        await (await Programme.AllocateAsync("st", "ta", "p8", 8, "2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z")).ExpectAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task List_FiltersByOverlap_AndEachRoleSeesItsOwn()
    {
        await Programme.SmallProgrammeAsync("ta", "tb");
        await Programme.PoolAsync("other");
        await (await Programme.AllocateAsync("st", "ta", "p8", 4, "2026-02-01T00:00:00Z", "2026-03-01T00:00:00Z")).ExpectAsync(HttpStatusCode.Created);
        var teamB = (await (await Programme.AllocateAsync("st", "tb", "p8", 4, "2026-04-01T00:00:00Z", "2026-05-01T00:00:00Z")).ExpectAsync(HttpStatusCode.Created)).Long("id");
        var onOther = (await (await Programme.AllocateAsync("st", "ta", "other", 2, "2026-02-01T00:00:00Z", "2026-03-01T00:00:00Z")).ExpectAsync(HttpStatusCode.Created)).Long("id");
        var teamA = await App.ClientAsync("team", "ta");
        var providerP8 = await App.ClientAsync("provider", null, "p8");

        var march = await (await Manager.GetAsync("/api/v1/allocations?from=2026-02-15T00:00:00Z&to=2026-03-15T00:00:00Z&pool=p8")).ExpectAsync(HttpStatusCode.OK);
        var ownByTeam = await (await teamA.GetAsync("/api/v1/allocations")).ExpectAsync(HttpStatusCode.OK);
        var byProvider = await (await providerP8.GetAsync("/api/v1/allocations")).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(["ta"], march.Items().Select(a => a.Text("team")));
        Assert.All(ownByTeam.Items(), a => Assert.Equal("ta", a.Text("team")));
        Assert.Equal(2, ownByTeam.Items().Length);
        Assert.All(byProvider.Items(), a => Assert.Equal("p8", a.Text("pool")));
        Assert.Equal(2, byProvider.Items().Length);
        await (await teamA.GetAsync("/api/v1/allocations?team=tb")).ExpectProblemAsync(HttpStatusCode.NotFound);
        await (await teamA.GetAsync($"/api/v1/allocations/{teamB}")).ExpectProblemAsync(HttpStatusCode.NotFound);
        await (await providerP8.GetAsync($"/api/v1/allocations/{onOther}")).ExpectProblemAsync(HttpStatusCode.NotFound);
        await (await providerP8.GetAsync("/api/v1/allocations?pool=other")).ExpectProblemAsync(HttpStatusCode.NotFound);
        await (await providerP8.GetAsync($"/api/v1/allocations/{teamB}")).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task TwoInstancesOnOneDatabase_StillNeverOverCommit()
    {
        await Programme.SmallProgrammeAsync("ta", "tb");
        await using var second = await TestApp.StartAsync(Kind, shared: App.Database);
        var secondProgramme = new Programme(second.Manager);

        var responses = await Task.WhenAll(Enumerable.Range(0, 24).Select(i => (i % 2 == 0 ? Programme : secondProgramme)
            .AllocateAsync("st", i % 3 == 0 ? "ta" : "tb", "p8", 1, "2026-05-01T00:00:00Z", "2026-05-02T00:00:00Z")));

        Assert.Equal(8, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(16, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
    }
}

public sealed class AllocationsOnSqlite() : AllocationsTests(DatabaseKind.Sqlite);

public sealed class AllocationsOnSqlServer() : AllocationsTests(DatabaseKind.SqlServer);
