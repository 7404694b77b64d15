using System.Net;
using NationalAiEval.Api.Tests.Infrastructure;
using NodaTime;

namespace NationalAiEval.Api.Tests.Reliability;

/// <summary>
/// What the service reuses between requests (a team's quota answer, a key read for authentication) is never stale on
/// the instance that made the change, and is seen by another instance on the same database within a second.
/// </summary>
public abstract class ReuseAcrossInstancesTests(DatabaseKind kind) : ApiTest(kind)
{
    private static async Task<decimal> StillToAllocateAsync(HttpClient client) =>
        Assert.Single((await (await client.GetAsync("/api/v1/teams/ta/quota")).ExpectAsync(HttpStatusCode.OK)).Items("stages"))
            .Decimal("stillToAllocateGpuHours");

    [Fact]
    public async Task AQuotaAnswer_ChangesAtOnceWithThisInstancesWrites_AndWithinASecondWithAnothers()
    {
        await Programme.SmallProgrammeAsync("ta");
        await using var second = await TestApp.StartAsync(Kind, App.Clock.GetCurrentInstant(), shared: App.Database);
        var secret = await App.KeyAsync("team", "ta");
        var here = App.Client(secret);
        var there = second.Client(secret);
        Assert.Equal(100_000m, await StillToAllocateAsync(here));
        Assert.Equal(100_000m, await StillToAllocateAsync(there));

        // 4 GPUs for 10 days = 960 GPU-hours, allocated through the first instance.
        await (await Programme.AllocateAsync("st", "ta", "p8", 4, "2026-02-01T00:00:00Z", "2026-02-11T00:00:00Z")).ExpectAsync(HttpStatusCode.Created);

        Assert.Equal(99_040m, await StillToAllocateAsync(here));
        Assert.Equal(100_000m, await StillToAllocateAsync(there)); // the second instance's answer is less than a second old
        second.Clock.Advance(Duration.FromSeconds(1));
        Assert.Equal(99_040m, await StillToAllocateAsync(there));
    }

    [Fact]
    public async Task ARevokedKey_StopsAtOnceOnThisInstance_AndWithinASecondOnAnother()
    {
        await Programme.SmallProgrammeAsync("ta");
        await using var second = await TestApp.StartAsync(Kind, App.Clock.GetCurrentInstant(), shared: App.Database);
        var created = await (await Manager.PostJsonAsync("/api/v1/keys", new { name = "ta bot", role = "team", team = "ta" })).ExpectAsync(HttpStatusCode.Created);
        var (id, secret) = (created.GetProperty("key").Text("id"), created.Text("secret"));
        var here = App.Client(secret);
        var there = second.Client(secret);
        await (await here.GetAsync("/api/v1/teams/ta")).ExpectAsync(HttpStatusCode.OK);
        await (await there.GetAsync("/api/v1/teams/ta")).ExpectAsync(HttpStatusCode.OK);

        await (await Manager.DeleteAsync($"/api/v1/keys/{id}")).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(HttpStatusCode.Unauthorized, (await here.GetAsync("/api/v1/teams/ta")).StatusCode);
        var deadline = DateTime.UtcNow.AddSeconds(3);
        HttpStatusCode status;
        do
        {
            status = (await there.GetAsync("/api/v1/teams/ta")).StatusCode;
        }
        while (status != HttpStatusCode.Unauthorized && DateTime.UtcNow < deadline && await Delay());

        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    private static async Task<bool> Delay()
    {
        await Task.Delay(50);
        return true;
    }
}

public sealed class ReuseAcrossInstancesOnSqlite() : ReuseAcrossInstancesTests(DatabaseKind.Sqlite);

public sealed class ReuseAcrossInstancesOnSqlServer() : ReuseAcrossInstancesTests(DatabaseKind.SqlServer);
