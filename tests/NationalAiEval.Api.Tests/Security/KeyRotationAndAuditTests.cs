using System.Net;
using System.Text.Json;
using NationalAiEval.Api.Tests.Infrastructure;
using NodaTime;

namespace NationalAiEval.Api.Tests.Security;

/// <summary>Key rotation with a grace period, and the audit log read by managers.</summary>
public abstract class KeyRotationAndAuditTests(DatabaseKind kind) : ApiTest(kind)
{
    private async Task<(string Id, string Secret)> FinanceKeyAsync()
    {
        var created = await (await Manager.PostJsonAsync("/api/v1/keys", new { name = "finance robot", role = "finance" })).ExpectAsync(HttpStatusCode.Created);
        return (created.GetProperty("key").Text("id"), created.Text("secret"));
    }

    [Fact]
    public async Task ARotatedKey_HasANewSecret_AndTheOldOneWorksUntilTheGracePeriodEnds()
    {
        var (id, old) = await FinanceKeyAsync();

        var rotated = await (await App.Client(old).PostJsonAsync($"/api/v1/keys/{id}/rotation", new { graceMinutes = 60 })).ExpectAsync(HttpStatusCode.OK);
        var secret = rotated.Text("secret");

        Assert.NotEqual(old, secret);
        Assert.StartsWith($"nae_{id}_", secret, StringComparison.Ordinal);
        Assert.Equal("2026-01-10T01:00:00Z", rotated.GetProperty("key").Text("previousSecretValidUntil"));
        await (await App.Client(secret).GetAsync("/api/v1/stages")).ExpectAsync(HttpStatusCode.OK);
        await (await App.Client(old).GetAsync("/api/v1/stages")).ExpectAsync(HttpStatusCode.OK);
        App.Clock.Advance(Duration.FromMinutes(61));
        await (await App.Client(old).GetAsync("/api/v1/stages")).ExpectProblemAsync(HttpStatusCode.Unauthorized);
        await (await App.Client(secret).GetAsync("/api/v1/stages")).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task ASecondRotation_EndsTheFirstGrace_AndGraceZeroEndsTheOldSecretAtOnce()
    {
        var (id, first) = await FinanceKeyAsync();
        var second = (await (await Manager.PostJsonAsync($"/api/v1/keys/{id}/rotation", new { })).ExpectAsync(HttpStatusCode.OK)).Text("secret");

        var third = (await (await Manager.PostJsonAsync($"/api/v1/keys/{id}/rotation", new { graceMinutes = 0 })).ExpectAsync(HttpStatusCode.OK)).Text("secret");

        await (await App.Client(first).GetAsync("/api/v1/stages")).ExpectProblemAsync(HttpStatusCode.Unauthorized);
        await (await App.Client(second).GetAsync("/api/v1/stages")).ExpectProblemAsync(HttpStatusCode.Unauthorized);
        await (await App.Client(third).GetAsync("/api/v1/stages")).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task ARotatedOutSecret_CannotRotateTheKeyBack_NorManageKeys_ButStillReads()
    {
        var (id, old) = await FinanceKeyAsync();
        var owners = (await (await App.Client(old).PostJsonAsync($"/api/v1/keys/{id}/rotation", new { graceMinutes = 60 })).ExpectAsync(HttpStatusCode.OK)).Text("secret");

        // The attack: whoever holds the leaked old secret rotates again with no grace, to lock the owner out.
        var refused = await (await App.Client(old).PostJsonAsync($"/api/v1/keys/{id}/rotation", new { graceMinutes = 0 })).ExpectProblemAsync(HttpStatusCode.Forbidden);

        Assert.Contains("rotated out", refused.Text("detail"), StringComparison.Ordinal);
        await (await App.Client(owners).GetAsync("/api/v1/stages")).ExpectAsync(HttpStatusCode.OK);
        await (await App.Client(old).GetAsync("/api/v1/stages")).ExpectAsync(HttpStatusCode.OK);

        // A manager's old secret keeps its data rights but loses key management.
        var managerKey = await (await Manager.PostJsonAsync("/api/v1/keys", new { name = "second manager", role = "manager" })).ExpectAsync(HttpStatusCode.Created);
        var (managerId, managerOld) = (managerKey.GetProperty("key").Text("id"), managerKey.Text("secret"));
        await (await App.Client(managerOld).PostJsonAsync($"/api/v1/keys/{managerId}/rotation", new { })).ExpectAsync(HttpStatusCode.OK);
        var retired = App.Client(managerOld);
        await (await retired.GetAsync("/api/v1/keys")).ExpectProblemAsync(HttpStatusCode.Forbidden);
        await (await retired.PostJsonAsync("/api/v1/keys", new { name = "backdoor", role = "manager" })).ExpectProblemAsync(HttpStatusCode.Forbidden);
        await (await retired.DeleteAsync($"/api/v1/keys/{id}")).ExpectProblemAsync(HttpStatusCode.Forbidden);
        await (await retired.PostJsonAsync($"/api/v1/keys/{id}/rotation", new { })).ExpectProblemAsync(HttpStatusCode.Forbidden);
        await (await retired.GetAsync("/api/v1/pools")).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task AKeyRotatesOnlyItself_ARevokedKeyNotAtAll_AndTheGraceIsBounded()
    {
        var (id, secret) = await FinanceKeyAsync();
        var (otherId, _) = await FinanceKeyAsync();

        await (await App.Client(secret).PostJsonAsync($"/api/v1/keys/{otherId}/rotation", new { })).ExpectProblemAsync(HttpStatusCode.NotFound);
        await (await Manager.PostJsonAsync($"/api/v1/keys/{id}/rotation", new { graceMinutes = 100_000 })).ExpectProblemAsync(HttpStatusCode.BadRequest, "graceMinutes");
        await (await Manager.DeleteAsync($"/api/v1/keys/{id}")).ExpectAsync(HttpStatusCode.OK);
        await (await Manager.PostJsonAsync($"/api/v1/keys/{id}/rotation", new { })).ExpectProblemAsync(HttpStatusCode.Conflict);
        await (await Manager.PostJsonAsync("/api/v1/keys/nosuchkeyid1/rotation", new { })).ExpectProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task TheAuditLog_RecordsWhoChangedWhat_BeforeAndAfter_AndIsFilterable()
    {
        await Programme.SmallProgrammeAsync("ta");
        var (id, _) = await FinanceKeyAsync();
        await (await Manager.PostJsonAsync($"/api/v1/keys/{id}/rotation", new { })).ExpectAsync(HttpStatusCode.OK);

        var all = (await (await Manager.GetAsync("/api/v1/audit")).ExpectAsync(HttpStatusCode.OK)).Items();
        var pool = (await (await Manager.GetAsync("/api/v1/audit?entity=pool&action=pool.create")).ExpectAsync(HttpStatusCode.OK)).Items();
        var rotation = (await (await Manager.GetAsync($"/api/v1/audit?entity=api_key&entityId={id}")).ExpectAsync(HttpStatusCode.OK)).Items();
        var page = await (await Manager.GetAsync("/api/v1/audit?limit=2")).ExpectAsync(HttpStatusCode.OK);

        Assert.Contains(all, e => e.Text("action") == "participation.admit" && e.Text("entity") == "participation");
        var created = Assert.Single(pool);
        Assert.Equal(("p8", JsonValueKind.Null), (created.GetProperty("after").Text("code"), created.GetProperty("before").ValueKind));
        Assert.StartsWith("test manager", created.Text("keyName"), StringComparison.Ordinal);
        Assert.Equal(["key.create", "key.rotate"], rotation.Select(e => e.Text("action")));
        Assert.DoesNotContain("nae_", rotation[1].ToString(), StringComparison.Ordinal);
        Assert.Equal(2, page.Items().Length);
        Assert.Equal(JsonValueKind.String, page.GetProperty("nextCursor").ValueKind);
    }

    [Fact]
    public async Task TheAuditLog_IsForManagersOnly_AndCannotBeChanged()
    {
        var finance = await App.ClientAsync("finance");

        Assert.Equal(HttpStatusCode.Forbidden, (await finance.GetAsync("/api/v1/audit")).StatusCode);
        foreach (var method in new[] { HttpMethod.Post, HttpMethod.Put, HttpMethod.Patch, HttpMethod.Delete })
        {
            using var request = new HttpRequestMessage(method, "/api/v1/audit/1");
            var status = (await Manager.SendAsync(request)).StatusCode;
            Assert.True(status is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed, $"{method} gave {status}");
        }

        await (await Manager.GetAsync("/api/v1/audit?from=yesterday")).ExpectProblemAsync(HttpStatusCode.BadRequest, "from");
    }
}

public sealed class KeyRotationAndAuditOnSqlite() : KeyRotationAndAuditTests(DatabaseKind.Sqlite);

public sealed class KeyRotationAndAuditOnSqlServer() : KeyRotationAndAuditTests(DatabaseKind.SqlServer);
