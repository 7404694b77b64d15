using System.Net;
using System.Security.Cryptography;
using System.Text;
using NationalAiEval.Api.Tests.Infrastructure;
using NodaTime;

namespace NationalAiEval.Api.Tests.Security;

public abstract class AuthTests(DatabaseKind kind) : ApiTest(kind)
{
    [Fact]
    public async Task NoKey_Is401_WithABearerChallenge()
    {
        var response = await App.Anonymous().GetAsync("/api/v1/stages");

        await response.ExpectProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Theory]
    [InlineData("Basic dXNlcjpwYXNz")]
    [InlineData("Bearer nae_abcdefghijkm_0000000000000000000000000000000000000000000")]
    [InlineData("Bearer not-a-key")]
    [InlineData("Bearer ")]
    public async Task AWrongKey_Is401(string header)
    {
        var client = App.Anonymous();
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", header);

        await (await client.GetAsync("/api/v1/stages")).ExpectProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task AManipulatedSecret_ForAnExistingKeyId_Is401()
    {
        var secret = await App.KeyAsync("finance");
        var tampered = secret[..^1] + (secret[^1] == 'A' ? 'B' : 'A');

        await (await App.Client(tampered).GetAsync("/api/v1/stages")).ExpectProblemAsync(HttpStatusCode.Unauthorized);
        await (await App.Client(secret).GetAsync("/api/v1/stages")).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Revocation_IsEffectiveAtOnce()
    {
        var created = await (await Manager.PostJsonAsync("/api/v1/keys", new { name = "ops", role = "finance" })).ExpectAsync(HttpStatusCode.Created);
        var client = App.Client(created.Text("secret"));
        await (await client.GetAsync("/api/v1/stages")).ExpectAsync(HttpStatusCode.OK);

        var revoked = await (await Manager.DeleteAsync($"/api/v1/keys/{created.GetProperty("key").Text("id")}")).ExpectAsync(HttpStatusCode.OK);

        Assert.NotEqual(System.Text.Json.JsonValueKind.Null, revoked.GetProperty("revokedAt").ValueKind);
        var refused = await (await client.GetAsync("/api/v1/stages")).ExpectProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Contains("revoked", refused.Text("detail"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Secrets_AreStoredOnlyAsTheirSha256()
    {
        var created = await (await Manager.PostJsonAsync("/api/v1/keys", new { name = "stored", role = "finance" })).ExpectAsync(HttpStatusCode.Created);
        var secret = created.Text("secret");
        var id = created.GetProperty("key").Text("id");

        var hash = Assert.Single(await App.QueryAsync<byte[]>("SELECT secret_hash FROM api_key WHERE key_id = @Id", new { Id = id }));
        Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes(secret)), hash);
        var secretPart = secret[(secret.LastIndexOf('_') + 1)..];
        foreach (var text in await App.QueryAsync<string>("SELECT COALESCE(after_json, '') FROM audit_entry"))
        {
            Assert.DoesNotContain(secretPart, text, StringComparison.Ordinal);
        }

        var listed = await (await Manager.GetAsync("/api/v1/keys")).ExpectAsync(HttpStatusCode.OK);
        Assert.DoesNotContain(secretPart, listed.ToString(), StringComparison.Ordinal);
        Assert.All(listed.Items(), k => Assert.False(k.TryGetProperty("secret", out _)));
    }

    [Fact]
    public async Task LastUse_IsRecorded()
    {
        var created = await (await Manager.PostJsonAsync("/api/v1/keys", new { name = "used", role = "finance" })).ExpectAsync(HttpStatusCode.Created);
        var id = created.GetProperty("key").Text("id");
        App.Clock.Advance(Duration.FromMinutes(5));

        await (await App.Client(created.Text("secret")).GetAsync("/api/v1/stages")).ExpectAsync(HttpStatusCode.OK);

        var key = await (await Manager.GetAsync($"/api/v1/keys/{id}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(App.Clock.GetCurrentInstant().ToString(), key.Text("lastUsedAt"));
    }

    [Theory]
    [InlineData("{\"name\":\"k\",\"role\":\"team\"}", "team")]
    [InlineData("{\"name\":\"k\",\"role\":\"provider\"}", "pools")]
    [InlineData("{\"name\":\"k\",\"role\":\"manager\",\"team\":\"ta\"}", "team")]
    [InlineData("{\"name\":\"k\",\"role\":\"finance\",\"pools\":[\"p8\"]}", "pools")]
    [InlineData("{\"name\":\"k\",\"role\":\"root\"}", "role")]
    [InlineData("{\"role\":\"finance\"}", "name")]
    public async Task KeyRequests_ThatDoNotFitTheRole_Are400(string body, string field)
    {
        await Programme.SmallProgrammeAsync("ta");

        await (await Manager.PostRawAsync("/api/v1/keys", body)).ExpectProblemAsync(HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task KeyForAnUnknownTeamOrPool_Is422()
    {
        await (await Manager.PostJsonAsync("/api/v1/keys", new { name = "k", role = "team", team = "ghost" })).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "team");
        await (await Manager.PostJsonAsync("/api/v1/keys", new { name = "k", role = "provider", pools = new[] { "ghost" } }))
            .ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "pools[0]");
    }

    [Fact]
    public async Task RolesAreChecked_OnWrites_AndKeys_AreForManagersOnly()
    {
        await Programme.SmallProgrammeAsync("ta");
        var finance = await App.ClientAsync("finance");
        var team = await App.ClientAsync("team", "ta");
        var provider = await App.ClientAsync("provider", null, "p8");

        foreach (var client in new[] { finance, team, provider })
        {
            await (await client.PostJsonAsync("/api/v1/teams", new { code = "new-team", name = "New" })).ExpectProblemAsync(HttpStatusCode.Forbidden);
            await (await client.GetAsync("/api/v1/keys")).ExpectProblemAsync(HttpStatusCode.Forbidden);
            await (await client.PostJsonAsync("/api/v1/allocations", new { stage = "st", team = "ta", pool = "p8", gpus = 1, start = "2026-02-01T00:00:00Z", end = "2026-02-02T00:00:00Z" }))
                .ExpectProblemAsync(HttpStatusCode.Forbidden);
        }

        await (await finance.GetAsync("/api/v1/teams")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(["ta"], (await (await team.GetAsync("/api/v1/teams")).ExpectAsync(HttpStatusCode.OK)).Items().Select(t => t.Text("code")));
        await (await team.GetAsync("/api/v1/pools")).ExpectProblemAsync(HttpStatusCode.Forbidden);
        await (await provider.GetAsync("/api/v1/stages")).ExpectProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task AProviderKey_SeesOnlyItsOwnPools()
    {
        await Programme.PoolAsync("mine");
        await Programme.PoolAsync("theirs");
        var provider = await App.ClientAsync("provider", null, "mine");

        Assert.Equal(["mine"], (await (await provider.GetAsync("/api/v1/pools")).ExpectAsync(HttpStatusCode.OK)).Items().Select(p => p.Text("code")));
        await (await provider.GetAsync("/api/v1/pools/mine/capacity")).ExpectAsync(HttpStatusCode.OK);
        await (await provider.GetAsync("/api/v1/pools/theirs")).ExpectProblemAsync(HttpStatusCode.NotFound);
        await (await provider.GetAsync("/api/v1/pools/theirs/capacity")).ExpectProblemAsync(HttpStatusCode.NotFound);
        await (await provider.PostJsonAsync("/api/v1/pools/mine/leases", new { gpus = 8, start = "2026-01-01T00:00:00Z", end = "2026-02-01T00:00:00Z", krwPerGpuHour = 1 }))
            .ExpectProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task JobsDashboard_IsForManagersOnly()
    {
        await Programme.TeamAsync("ta");
        var team = await App.ClientAsync("team", "ta");

        Assert.Equal(HttpStatusCode.Unauthorized, (await App.Anonymous().GetAsync("/hangfire")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await team.GetAsync("/hangfire")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Manager.GetAsync("/hangfire")).StatusCode);
    }

    [Fact]
    public async Task Health_NeedsNoKey()
    {
        var client = App.Anonymous();

        Assert.Equal("Healthy", await (await client.GetAsync("/health/live")).Content.ReadAsStringAsync());
        Assert.Equal("Healthy", await (await client.GetAsync("/health/ready")).Content.ReadAsStringAsync());
    }
}

public sealed class AuthOnSqlite() : AuthTests(DatabaseKind.Sqlite);

public sealed class AuthOnSqlServer() : AuthTests(DatabaseKind.SqlServer);
