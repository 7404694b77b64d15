using System.Globalization;
using System.Net;
using NodaTime;

namespace NationalAiEval.Api.Tests.Infrastructure;

/// <summary>
/// A small programme with two of everything, for the security tests: pools P (pp) and Q (pq), stage st, teams A (ta)
/// and B (tb), an allocation and an overuse of team A on pool P (so a flag about it), a key per kind of caller, and a
/// revoked manager key. Route patterns are filled with team A's and pool P's resources.
/// </summary>
public sealed record SecurityFixture(Dictionary<string, string> Secrets, long AllocationId, long FlagId, string TeamAKeyId, long RecordId)
{
    public static async Task<SecurityFixture> BuildAsync(TestApp app, Programme programme)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(programme);
        var manager = app.Manager;
        app.Clock.Reset(Instant.FromUtc(2026, 3, 1, 0, 0));
        await programme.SmallProgrammeAsync("ta", "tb");
        await programme.PoolAsync("pp");
        await programme.PoolAsync("pq");
        await (await manager.PutJsonAsync("/api/v1/pools/pp/accounts/acct-a", new { team = "ta" })).ExpectAsync(HttpStatusCode.Created);
        var allocation = await (await programme.AllocateAsync("st", "ta", "pp", 1, "2026-02-01T00:00:00Z", "2026-06-01T00:00:00Z")).ExpectAsync(HttpStatusCode.Created);
        await (await manager.PostRecordsAsync("pp", UsageReports.Job("j1", "acct-a", "2026-02-02T00:00:00Z", "2026-02-02T02:00:00Z", 4))).ExpectAsync(HttpStatusCode.OK);
        await manager.ReconcileAsync();
        var flag = (await (await manager.GetAsync("/api/v1/flags?kind=overuse")).ExpectAsync(HttpStatusCode.OK)).Items().First();
        var record = (await (await manager.GetAsync("/api/v1/pools/pp/usage/records?externalId=j1")).ExpectAsync(HttpStatusCode.OK)).Items().Single();

        var secrets = new Dictionary<string, string>
        {
            ["manager"] = await app.KeyAsync("manager"),
            ["finance"] = await app.KeyAsync("finance"),
            ["team B"] = await app.KeyAsync("team", "tb"),
            ["provider P"] = await app.KeyAsync("provider", null, "pp"),
            ["provider Q"] = await app.KeyAsync("provider", null, "pq"),
        };
        var teamA = await (await manager.PostJsonAsync("/api/v1/keys", new { name = "team A", role = "team", team = "ta" })).ExpectAsync(HttpStatusCode.Created);
        secrets["team A"] = teamA.Text("secret");
        var revoked = await (await manager.PostJsonAsync("/api/v1/keys", new { name = "revoked", role = "manager" })).ExpectAsync(HttpStatusCode.Created);
        await (await manager.DeleteAsync($"/api/v1/keys/{revoked.GetProperty("key").Text("id")}")).ExpectAsync(HttpStatusCode.OK);
        secrets["revoked"] = revoked.Text("secret");
        return new SecurityFixture(secrets, allocation.Long("id"), flag.Long("id"), teamA.GetProperty("key").Text("id"), record.Long("id"));
    }

    /// <summary>A route pattern with team A's and pool P's values: stage st, team ta, pool pp, account acct-a, January, detect-idle, job j1's record.</summary>
    public string Fill(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        var id = pattern switch
        {
            _ when pattern.StartsWith("/api/v1/allocations", StringComparison.Ordinal) => AllocationId.ToString(CultureInfo.InvariantCulture),
            _ when pattern.StartsWith("/api/v1/flags", StringComparison.Ordinal) => FlagId.ToString(CultureInfo.InvariantCulture),
            _ when pattern.Contains("/usage/records/", StringComparison.Ordinal) => RecordId.ToString(CultureInfo.InvariantCulture),
            _ => TeamAKeyId,
        };
        return pattern.Replace("{stage}", "st", StringComparison.Ordinal).Replace("{team}", "ta", StringComparison.Ordinal)
            .Replace("{pool}", "pp", StringComparison.Ordinal).Replace("{account}", "acct-a", StringComparison.Ordinal)
            .Replace("{period}", "2026-01", StringComparison.Ordinal).Replace("{job}", "detect-idle", StringComparison.Ordinal)
            .Replace("{id:long}", id, StringComparison.Ordinal).Replace("{id}", id, StringComparison.Ordinal)
            .Replace("{**path}", string.Empty, StringComparison.Ordinal);
    }
}
