using System.Diagnostics;
using System.Net;
using Microsoft.Data.Sqlite;
using NationalAiEval.Api.Tests.Infrastructure;

namespace NationalAiEval.Api.Tests.Security;

/// <summary>
/// Per-key rate limits, lock waits and request timeouts that end in a problem rather than a hang, and logs that never
/// hold a secret. SQLite only: holding the database's write lock from the test is how a long query is staged.
/// </summary>
public sealed class LimitsTests : IAsyncDisposable
{
    private TestApp? _app;

    private async Task<TestApp> StartAsync(params (string Key, string Value)[] settings)
    {
        _app = await TestApp.StartAsync(DatabaseKind.Sqlite, settings: settings.ToDictionary(s => s.Key, s => (string?)s.Value));
        return _app;
    }

    [Fact]
    public async Task AKeyOverItsRate_Gets429WithRetryAfter_WhileOtherKeysAndHealthAreUnaffected()
    {
        var app = await StartAsync(("RateLimit:Enabled", "true"), ("RateLimit:Requests", "1"), ("RateLimit:WindowSeconds", "60"), ("RateLimit:Burst", "3"));
        var busy = await app.ClientAsync("finance");

        for (var i = 0; i < 3; i++)
        {
            await (await busy.GetAsync("/api/v1/stages")).ExpectAsync(HttpStatusCode.OK);
        }

        var refused = await busy.GetAsync("/api/v1/stages");
        var problem = await refused.ExpectProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.EndsWith("rate-limited", problem.Text("type"), StringComparison.Ordinal);
        Assert.InRange(int.Parse(refused.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture), 1, 60);
        await (await app.Manager.GetAsync("/api/v1/stages")).ExpectAsync(HttpStatusCode.OK);
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await app.Anonymous().GetAsync("/health/live")).StatusCode);
        }
    }

    [Fact]
    public async Task AWriteThatWaitsTooLongForALock_Is503WithRetryAfter_AndWritesNothing()
    {
        var app = await StartAsync(("Database:CommandTimeoutSeconds", "1"));
        var before = await app.RowCountsAsync();
        await using (var holder = new SqliteConnection(app.Database.ConnectionString))
        {
            await holder.OpenAsync();
            await using var hold = await holder.BeginTransactionAsync(System.Data.IsolationLevel.Serializable);

            var response = await app.Manager.PostJsonAsync("/api/v1/teams", new { code = "waiting", name = "Waiting" });

            var problem = await response.ExpectProblemAsync(HttpStatusCode.ServiceUnavailable);
            Assert.EndsWith("busy", problem.Text("type"), StringComparison.Ordinal);
            Assert.Equal("1", response.Headers.GetValues("Retry-After").Single());
        }

        Assert.Equal(before, await app.RowCountsAsync());
        await (await app.Manager.PostJsonAsync("/api/v1/teams", new { code = "waiting", name = "Waiting" })).ExpectAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task ARequestPastItsTimeout_Is504_WithoutWaitingForTheDatabase()
    {
        var app = await StartAsync(("Limits:RequestTimeoutSeconds", "1"), ("Database:CommandTimeoutSeconds", "20"));
        await using var holder = new SqliteConnection(app.Database.ConnectionString);
        await holder.OpenAsync();
        await using var hold = await holder.BeginTransactionAsync(System.Data.IsolationLevel.Serializable);
        var clock = Stopwatch.StartNew();

        var response = await app.Manager.PostJsonAsync("/api/v1/teams", new { code = "late", name = "Late" });

        var problem = await response.ExpectProblemAsync(HttpStatusCode.GatewayTimeout);
        Assert.EndsWith("timeout", problem.Text("type"), StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task Secrets_NeverReachTheLogs_EvenAtTraceLevel()
    {
        var app = await StartAsync(("Logging:LogLevel:Default", "Trace"), ("Logging:LogLevel:Microsoft.AspNetCore", "Trace"));
        var created = await (await app.Manager.PostJsonAsync("/api/v1/keys", new { name = "logged", role = "finance" })).ExpectAsync(HttpStatusCode.Created);
        var secret = created.Text("secret");
        var id = created.GetProperty("key").Text("id");

        await (await app.Client(secret).GetAsync("/api/v1/stages")).ExpectAsync(HttpStatusCode.OK);
        await (await app.Client(secret[..^4] + "AAAA").GetAsync("/api/v1/stages")).ExpectProblemAsync(HttpStatusCode.Unauthorized);
        var rotated = (await (await app.Client(secret).PostJsonAsync($"/api/v1/keys/{id}/rotation", new { })).ExpectAsync(HttpStatusCode.OK)).Text("secret");
        await (await app.Client(rotated).PostJsonAsync("/api/v1/teams", new { code = "x" })).ExpectProblemAsync(HttpStatusCode.Forbidden);

        var lines = app.Logs.Lines;
        Assert.True(lines.Count > 20, $"expected trace logs, got {lines.Count}");
        Assert.DoesNotContain(lines, l => l.Contains(secret[^20..], StringComparison.Ordinal) || l.Contains(rotated[^20..], StringComparison.Ordinal)
            || l.Contains($"nae_{id}_", StringComparison.Ordinal) || l.Contains("Bearer nae_", StringComparison.Ordinal));
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}
