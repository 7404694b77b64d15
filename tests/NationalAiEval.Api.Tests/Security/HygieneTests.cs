using System.Net;
using NationalAiEval.Api.Tests.Infrastructure;

namespace NationalAiEval.Api.Tests.Security;

/// <summary>The small findings of the outside probe, each as its request and the answer it must get.</summary>
public abstract class HygieneTests(DatabaseKind kind) : ApiTest(kind)
{
    [Theory]
    [InlineData("/hangfire")]
    [InlineData("/hangfire/jobs/enqueued")]
    [InlineData("/hangfire/jobs/scheduled")]
    [InlineData("/hangfire/jobs/processing")]
    [InlineData("/hangfire/jobs/succeeded")]
    [InlineData("/hangfire/jobs/failed")]
    [InlineData("/hangfire/jobs/deleted")]
    [InlineData("/hangfire/jobs/awaiting")]
    [InlineData("/hangfire/recurring")]
    [InlineData("/hangfire/retries")]
    [InlineData("/hangfire/servers")]
    public async Task EveryHangfirePage_OpensForAManager(string page)
    {
        var response = await Manager.GetAsync(page);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task HangfiresStats_AnswerAManagersForm_AndA415ProblemWithoutOne()
    {
        using var form = new FormUrlEncodedContent([new("metrics[]", "succeeded:count"), new("metrics[]", "failed:count")]);
        var stats = await (await Manager.PostAsync("/hangfire/stats", form)).ExpectAsync(HttpStatusCode.OK);

        Assert.True(stats.TryGetProperty("succeeded:count", out _), stats.ToString());
        await (await Manager.PostAsync("/hangfire/stats", null)).ExpectProblemAsync(HttpStatusCode.UnsupportedMediaType);
        await (await Manager.GetAsync("/hangfire/stats")).ExpectProblemAsync(HttpStatusCode.UnsupportedMediaType);
    }

    [Theory]
    [InlineData("/api/v1/pools")]
    [InlineData("/api/v1/nothing-here")]
    [InlineData("/health/live")]
    public async Task EveryAnswer_SaysNoSniff(string url)
    {
        var managers = await Manager.GetAsync(url);
        var anonymous = await App.Anonymous().GetAsync(url);

        Assert.Equal("nosniff", string.Join(",", managers.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("nosniff", string.Join(",", anonymous.Headers.GetValues("X-Content-Type-Options")));
    }

    [Fact]
    public async Task TheSwaggerUi_HasAStrictContentSecurityPolicy()
    {
        var page = await App.Anonymous().GetAsync("/swagger/index.html");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var policy = string.Join(";", page.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self'", policy, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/v1/pools/pq/usage", "{\"records\":\"x\"}", "application/json")]
    [InlineData("/api/v1/pools/pq/usage", "not json at all", "application/json")]
    [InlineData("/api/v1/pools/pq/usage/sacct", "JobID|nonsense\n\u0000", "text/plain")]
    [InlineData("/api/v1/pools/pq/usage/dcgm", "{{{", "text/plain")]
    public async Task AnUploadToAnotherProvidersPool_Is404_WhateverTheBodyHolds(string url, string body, string contentType)
    {
        await Programme.PoolAsync("pp");
        await Programme.PoolAsync("pq");
        var providerOfP = await App.ClientAsync("provider", null, "pp");

        await (await providerOfP.PostRawAsync(url, body, contentType)).ExpectProblemAsync(HttpStatusCode.NotFound);
        await (await providerOfP.PostRawAsync(url.Replace("/pq/", "/pp/", StringComparison.Ordinal), body, contentType)).ExpectProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task NoKeyAndAWrongContentType_Is401_AndWithAKeyIt_Is415()
    {
        await (await App.Anonymous().PostRawAsync("/api/v1/teams", "code=x", "application/x-www-form-urlencoded")).ExpectProblemAsync(HttpStatusCode.Unauthorized);
        await (await App.Client("nae_notakey_secret").PostRawAsync("/api/v1/teams", "code=x", "text/plain")).ExpectProblemAsync(HttpStatusCode.Unauthorized);
        await (await Manager.PostRawAsync("/api/v1/teams", "code=x", "application/x-www-form-urlencoded")).ExpectProblemAsync(HttpStatusCode.UnsupportedMediaType);
    }
}

public sealed class HygieneOnSqlite() : HygieneTests(DatabaseKind.Sqlite);

public sealed class HygieneOnSqlServer() : HygieneTests(DatabaseKind.SqlServer);
