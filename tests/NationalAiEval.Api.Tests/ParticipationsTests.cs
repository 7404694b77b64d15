using System.Net;
using NationalAiEval.Api.Tests.Infrastructure;

namespace NationalAiEval.Api.Tests;

public abstract class ParticipationsTests(DatabaseKind kind) : ApiTest(kind)
{
    [Fact]
    public async Task Admission_PostsTheEntitlementAndTheDataGrant_ToTheLedger()
    {
        await Programme.SmallProgrammeAsync("ta");

        var ledger = await (await Manager.GetAsync("/api/v1/teams/ta/ledger")).ExpectAsync(HttpStatusCode.OK);

        var entries = ledger.Items().Select(e => (e.Text("resource"), e.Text("kind"), e.Long("amount"))).ToArray();
        Assert.Equal([("gpu", "grant", 100_000L * 3_600_000), ("data", "grant", 2_800_000_000L)], entries);
    }

    [Fact]
    public async Task Admission_Twice_Is409()
    {
        await Programme.SmallProgrammeAsync("ta");

        await (await Programme.AdmitAsync("st", "ta")).ExpectProblemAsync(HttpStatusCode.Conflict);
    }

    [Theory]
    [InlineData("2026-01-15", null, "joinDate")]
    [InlineData("2026-01-16", "2026-01-15", "eligibleFrom")]
    [InlineData("2026-01-16", "2026-08-04", "eligibleFrom")]
    public async Task Admission_OutsideTheStagesDates_Is422(string joinDate, string? eligibleFrom, string field)
    {
        await Programme.StageAsync("st");
        await Programme.TeamAsync("ta");

        await (await Programme.AdmitAsync("st", "ta", joinDate, eligibleFrom: eligibleFrom)).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, field);

        Assert.Empty((await (await Manager.GetAsync("/api/v1/stages/st/participations")).ExpectAsync(HttpStatusCode.OK)).Items());
        Assert.Empty((await (await Manager.GetAsync("/api/v1/teams/ta/ledger")).ExpectAsync(HttpStatusCode.OK)).Items());
    }

    [Fact]
    public async Task Admission_OfAnUnknownTeamOrPool_Is422NamingIt()
    {
        await Programme.PoolAsync("p8");
        await Programme.StageAsync("st");
        await Programme.TeamAsync("ta");

        await (await Programme.AdmitAsync("st", "nobody")).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "team");
        await (await Programme.AdmitAsync("st", "ta", excludedPools: ["p8", "nowhere"])).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "excludedPools[1]");
        await (await Programme.AdmitAsync("none", "ta")).ExpectProblemAsync(HttpStatusCode.NotFound);
        await (await Manager.PostRawAsync("/api/v1/stages/st/participations", "{\"team\":\"ta\",\"joinDate\":\"2026-01-16\",\"kind\":\"late\"}"))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "kind");
    }

    [Fact]
    public async Task Elimination_CutsAllocations_ForfeitsTheBalance_AndCancelsTheData()
    {
        await Programme.SmallProgrammeAsync("ta");
        var past = await (await Programme.AllocateAsync("st", "ta", "p8", 2, "2026-01-16T00:00:00Z", "2026-02-01T00:00:00Z")).ExpectAsync(HttpStatusCode.Created);
        var running = await (await Programme.AllocateAsync("st", "ta", "p8", 2, "2026-02-01T00:00:00Z", "2026-04-01T00:00:00Z")).ExpectAsync(HttpStatusCode.Created);
        var future = await (await Programme.AllocateAsync("st", "ta", "p8", 2, "2026-05-01T00:00:00Z", "2026-06-01T00:00:00Z")).ExpectAsync(HttpStatusCode.Created);

        var ended = await (await Manager.PostJsonAsync("/api/v1/stages/st/participations/ta/elimination", new { effectiveAt = "2026-03-01T00:00:00Z", reason = "evaluation" }))
            .ExpectAsync(HttpStatusCode.OK);

        Assert.Equal([running.Long("id")], ended.Items("allocationsShortened").Select(x => x.GetInt64()));
        Assert.Equal([future.Long("id")], ended.Items("allocationsRemoved").Select(x => x.GetInt64()));
        Assert.Equal(100_000m, ended.Decimal("forfeitedGpuHours"));
        Assert.Equal(2_800_000_000, ended.Long("cancelledDataKrw"));
        Assert.Equal("eliminated", ended.GetProperty("participation").Text("status"));
        Assert.Equal("2026-02-01T00:00:00Z", (await (await Manager.GetAsync($"/api/v1/allocations/{past.Long("id")}")).ExpectAsync(HttpStatusCode.OK)).Text("end"));
        Assert.Equal("2026-03-01T00:00:00Z", (await (await Manager.GetAsync($"/api/v1/allocations/{running.Long("id")}")).ExpectAsync(HttpStatusCode.OK)).Text("end"));
        await (await Manager.GetAsync($"/api/v1/allocations/{future.Long("id")}")).ExpectProblemAsync(HttpStatusCode.NotFound);

        var ledger = await (await Manager.GetAsync("/api/v1/teams/ta/ledger")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(0, ledger.Items().Where(e => e.Text("resource") == "gpu").Sum(e => e.Long("amount")));
        Assert.Equal(0, ledger.Items().Where(e => e.Text("resource") == "data").Sum(e => e.Long("amount")));
    }

    [Fact]
    public async Task AfterElimination_NoAllocationBeyondIt_AndNoSecondElimination()
    {
        await Programme.SmallProgrammeAsync("ta");
        await (await Manager.PostJsonAsync("/api/v1/stages/st/participations/ta/elimination", new { effectiveAt = "2026-03-01T00:00:00Z" })).ExpectAsync(HttpStatusCode.OK);

        await (await Programme.AllocateAsync("st", "ta", "p8", 1, "2026-02-20T00:00:00Z", "2026-03-02T00:00:00Z")).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "team");
        await (await Manager.PostJsonAsync("/api/v1/stages/st/participations/ta/elimination", new { effectiveAt = "2026-03-01T00:00:00Z" }))
            .ExpectProblemAsync(HttpStatusCode.Conflict);
        await (await Manager.PostJsonAsync("/api/v1/stages/st/participations/ta/withdrawal", new { effectiveAt = "2026-03-01T00:00:00Z" }))
            .ExpectProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Withdrawal_HasTheSameEffects_AndItsOwnStatus()
    {
        await Programme.SmallProgrammeAsync("ta", "tb");

        var ended = await (await Manager.PostJsonAsync("/api/v1/stages/st/participations/ta/withdrawal", new { effectiveAt = "2026-02-01T00:00:00Z" })).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("withdrawn", ended.GetProperty("participation").Text("status"));
        var proof = await (await Manager.GetAsync("/api/v1/stages/st/equality")).ExpectAsync(HttpStatusCode.OK);
        Assert.True(proof.GetProperty("allEqual").GetBoolean(), "Grants stay equal: a forfeit is a separate entry.");
    }

    [Fact]
    public async Task Elimination_AfterTheWindow_Is422()
    {
        await Programme.SmallProgrammeAsync("ta");

        await (await Manager.PostJsonAsync("/api/v1/stages/st/participations/ta/elimination", new { effectiveAt = "2026-08-03T15:00:00Z" }))
            .ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "effectiveAt");
    }

    [Fact]
    public async Task ATeamKey_ListsOnlyItsOwnParticipation_AndCannotSeeAnothers()
    {
        await Programme.SmallProgrammeAsync("ta", "tb");
        var teamA = await App.ClientAsync("team", "ta");

        var list = await (await teamA.GetAsync("/api/v1/stages/st/participations")).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(["ta"], list.Items().Select(p => p.Text("team")));
        await (await teamA.GetAsync("/api/v1/stages/st/participations/ta")).ExpectAsync(HttpStatusCode.OK);
        await (await teamA.GetAsync("/api/v1/stages/st/participations/tb")).ExpectProblemAsync(HttpStatusCode.NotFound);
        await (await teamA.GetAsync("/api/v1/teams/ta/ledger")).ExpectAsync(HttpStatusCode.OK);
        await (await teamA.GetAsync("/api/v1/teams/tb/ledger")).ExpectProblemAsync(HttpStatusCode.NotFound);
        await (await teamA.GetAsync("/api/v1/teams/tb")).ExpectProblemAsync(HttpStatusCode.NotFound);
        await (await teamA.PostJsonAsync("/api/v1/stages/st/participations/tb/elimination", new { effectiveAt = "2026-03-01T00:00:00Z" }))
            .ExpectProblemAsync(HttpStatusCode.Forbidden);
    }
}

public sealed class ParticipationsOnSqlite() : ParticipationsTests(DatabaseKind.Sqlite);

public sealed class ParticipationsOnSqlServer() : ParticipationsTests(DatabaseKind.SqlServer);
