using System.Net;
using NationalAiEval.Api.Tests.Infrastructure;

namespace NationalAiEval.Api.Tests.Participations;

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
        App.Clock.Reset(NodaTime.Instant.FromUtc(2026, 3, 1, 0, 0));

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
    public async Task AnEndRecordedAhead_TakesEffectAtItsInstant_TheDataGrantAndTheForfeitIncluded()
    {
        await Programme.SmallProgrammeAsync("ta");
        App.Clock.Reset(NodaTime.Instant.FromUtc(2026, 1, 20, 0, 0));
        var drawdowns = "/api/v1/stages/st/participations/ta/drawdowns";
        await (await Manager.PostJsonAsync("/api/v1/stages/st/participations/ta/withdrawal", new { effectiveAt = "2026-01-23T00:00:00Z" })).ExpectAsync(HttpStatusCode.OK);

        // Three days before it takes effect: the team may still draw on its grant, and nothing is forfeited yet.
        await (await Manager.PostJsonAsync(drawdowns, new { amountKrw = 100_000_000, vendor = "AI Hub", description = "corpus", drawnOn = "2026-01-20" }))
            .ExpectAsync(HttpStatusCode.Created);
        var before = Assert.Single((await (await Manager.GetAsync("/api/v1/teams/ta/quota")).ExpectAsync(HttpStatusCode.OK)).Items("stages"));
        Assert.Equal(2_700_000_000, before.GetProperty("dataGrant").Long("remainingKrw"));
        Assert.NotEqual("ended", before.GetProperty("forecast").Text("status"));
        var ledger = await (await Manager.GetAsync("/api/v1/teams/ta/ledger")).ExpectAsync(HttpStatusCode.OK);
        Assert.DoesNotContain(ledger.Items(), e => e.Text("kind") == "forfeit");

        // Once it has taken effect: the grant is closed, and the next reconciliation run posts the forfeits.
        App.Clock.Reset(NodaTime.Instant.FromUtc(2026, 1, 24, 0, 0));
        var after = Assert.Single((await (await Manager.GetAsync("/api/v1/teams/ta/quota")).ExpectAsync(HttpStatusCode.OK)).Items("stages"));
        Assert.Equal(("ended", 0m, 0L), (after.GetProperty("forecast").Text("status"), after.Decimal("remainingGpuHours"), after.GetProperty("dataGrant").Long("remainingKrw")));
        await (await Manager.PostJsonAsync(drawdowns, new { amountKrw = 1, vendor = "X", description = "late", drawnOn = "2026-01-22" }))
            .ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "amountKrw");
        await Manager.ReconcileAsync();
        ledger = await (await Manager.GetAsync("/api/v1/teams/ta/ledger")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(0, ledger.Items().Where(e => e.Text("resource") == "gpu").Sum(e => e.Long("amount")));
        Assert.Equal(0, ledger.Items().Where(e => e.Text("resource") == "data").Sum(e => e.Long("amount")));
        Assert.Equal(-2_700_000_000, ledger.Items().Single(e => e.Text("resource") == "data" && e.Text("kind") == "forfeit").Long("amount"));
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
