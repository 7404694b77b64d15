using System.Net;
using NationalAiEval.Api.Tests.Infrastructure;

namespace NationalAiEval.Api.Tests.Stages;

/// <summary>The foundation issue's own check, through HTTP: equal entitlements, no over-commitment, isolation, problems.</summary>
public abstract class ProgrammeScenarioTests(DatabaseKind kind) : ApiTest(kind)
{
    [Fact]
    public async Task ThreeOriginalTeams_AndALateRechallengeTeam_AreOwedExactlyTheSame()
    {
        await Programme.PoolAsync("p8");
        await Programme.StageAsync("st", startDate: "2026-01-16", durationDays: 166, entitlementGpuHours: 3_059_712);
        await Programme.TeamAsync("lg", "upstage", "skt", "motif");
        foreach (var team in new[] { "lg", "upstage", "skt" })
        {
            await (await Programme.AdmitAsync("st", team)).ExpectAsync(HttpStatusCode.Created);
        }

        var late = await (await Programme.AdmitAsync("st", "motif", joinDate: "2026-02-20", kind: "rechallenge")).ExpectAsync(HttpStatusCode.Created);

        var proof = await (await Manager.GetAsync("/api/v1/stages/st/equality")).ExpectAsync(HttpStatusCode.OK);
        Assert.True(proof.GetProperty("allEqual").GetBoolean(), proof.ToString());
        var participations = proof.Items("participations");
        Assert.Equal(4, participations.Length);
        Assert.All(participations, p =>
        {
            Assert.Equal(3_059_712m, p.Decimal("grantedGpuHours"));
            Assert.Equal(2_800_000_000, p.Long("grantedDataKrw"));
            Assert.Equal(166, p.Long("windowDays"));
            Assert.Equal(166m * 24, p.Decimal("windowHours"));
        });
        Assert.Equal("2026-02-19T15:00:00Z", late.Text("windowStart"));
        Assert.Equal("2026-08-04T15:00:00Z", late.Text("windowEnd"));
    }

    [Fact]
    public async Task NineGpusOnAnEightGpuLease_Is409_NamingTheIntervalAndTheExcess()
    {
        await Programme.SmallProgrammeAsync("ta");

        var refused = await (await Programme.AllocateAsync("st", "ta", "p8", 9, "2026-02-01T00:00:00Z", "2026-02-02T00:00:00Z"))
            .ExpectProblemAsync(HttpStatusCode.Conflict);

        var over = refused.GetProperty("overCommitted");
        Assert.Equal("2026-02-01T00:00:00Z", over.Text("from"));
        Assert.Equal("2026-02-02T00:00:00Z", over.Text("to"));
        Assert.Equal(1, over.Long("byGpus"));
        Assert.Equal(8, over.Long("leasedGpus"));
    }

    [Fact]
    public async Task TwentyConcurrentOneGpuAllocations_OnEightGpus_ExactlyEightSucceed()
    {
        await Programme.SmallProgrammeAsync("ta", "tb", "tc", "td");
        var teams = new[] { "ta", "tb", "tc", "td" };

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            Programme.AllocateAsync("st", teams[i % 4], "p8", 1, "2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z")));

        Assert.Equal(8, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(12, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        var capacity = await (await Manager.GetAsync("/api/v1/pools/p8/capacity?from=2026-03-01T00:00:00Z&to=2026-04-01T00:00:00Z"))
            .ExpectAsync(HttpStatusCode.OK);
        var segment = Assert.Single(capacity.Items("segments"));
        Assert.Equal((8L, 8L, 0L), (segment.Long("leasedGpus"), segment.Long("allocatedGpus"), segment.Long("freeGpus")));
    }

    [Fact]
    public async Task ATeamKey_CannotReadAnotherTeamsQuota()
    {
        await Programme.SmallProgrammeAsync("ta", "tb");
        var teamA = await App.ClientAsync("team", "ta");

        await (await teamA.GetAsync("/api/v1/teams/ta/quota")).ExpectAsync(HttpStatusCode.OK);
        await (await teamA.GetAsync("/api/v1/teams/tb/quota")).ExpectProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task MalformedJson_IsAProblemDetails400()
    {
        var response = await Manager.PostRawAsync("/api/v1/pools", "{\"code\": \"x\",");

        await response.ExpectProblemAsync(HttpStatusCode.BadRequest, "body");
    }
}

public sealed class ProgrammeScenarioOnSqlite() : ProgrammeScenarioTests(DatabaseKind.Sqlite);

public sealed class ProgrammeScenarioOnSqlServer() : ProgrammeScenarioTests(DatabaseKind.SqlServer);
