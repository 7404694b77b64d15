using System.Net;
using NationalAiEval.Api.Tests.Infrastructure;
using NodaTime;

namespace NationalAiEval.Api.Tests.Teams;

public abstract class TeamsTests(DatabaseKind kind) : ApiTest(kind)
{
    [Fact]
    public async Task Create_AnswersWhatALaterReadReturns_EvenWhenTheClockHasFractions()
    {
        App.Clock.Reset(Instant.FromUtc(2026, 1, 10, 9, 30, 15) + Duration.FromMilliseconds(750));

        var created = await (await Manager.PostJsonAsync("/api/v1/teams", new { code = "motif", name = "Motif Technologies" })).ExpectAsync(HttpStatusCode.Created);
        var read = await (await Manager.GetAsync("/api/v1/teams/motif")).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("2026-01-10T09:30:15Z", created.Text("createdAt"));
        Assert.Equal(created.ToString(), read.ToString());
    }

    [Fact]
    public async Task Create_DuplicateOrBadCode_IsRefused()
    {
        await Programme.TeamAsync("upstage");

        await (await Manager.PostJsonAsync("/api/v1/teams", new { code = "upstage", name = "Again" })).ExpectProblemAsync(HttpStatusCode.Conflict);
        await (await Manager.PostJsonAsync("/api/v1/teams", new { code = "Up Stage", name = "Bad" })).ExpectProblemAsync(HttpStatusCode.BadRequest, "code");
        await (await Manager.PostJsonAsync("/api/v1/teams", new { code = "ok-code", name = new string('x', 201) })).ExpectProblemAsync(HttpStatusCode.BadRequest, "name");
    }

    [Fact]
    public async Task Create_WritesAnAuditEntry_InTheSameTransaction()
    {
        await Programme.TeamAsync("upstage");

        var entries = await App.QueryAsync<string>("SELECT action FROM audit_entry WHERE entity = 'team'");

        Assert.Equal(["team.create"], entries);
    }
}

public sealed class TeamsOnSqlite() : TeamsTests(DatabaseKind.Sqlite);

public sealed class TeamsOnSqlServer() : TeamsTests(DatabaseKind.SqlServer);
