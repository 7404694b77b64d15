using System.Net;
using System.Text;
using NationalAiEval.Api.Tests.Infrastructure;

namespace NationalAiEval.Api.Tests.Contract;

/// <summary>
/// Requests the framework must turn away before any endpoint runs: a body that is not JSON, query parameters that
/// cannot be read, routes that do not exist. The generated corpus of malformed requests is in MalformedCorpusTests.
/// </summary>
public abstract class BadInputTests(DatabaseKind kind) : ApiTest(kind)
{
    [Fact]
    public async Task ABodyThatIsNotJson_Is415()
    {
        var response = await Manager.PostRawAsync("/api/v1/teams", "code=upstage", "application/x-www-form-urlencoded");

        await response.ExpectProblemAsync(HttpStatusCode.UnsupportedMediaType);
    }

    [Theory]
    [InlineData("/api/v1/allocations?from=2026-02-30T00:00:00Z", "from")]
    [InlineData("/api/v1/allocations?to=tomorrow", "to")]
    [InlineData("/api/v1/allocations?limit=5000", "limit")]
    [InlineData("/api/v1/allocations?after=-3", "after")]
    [InlineData("/api/v1/teams?limit=abc", "limit")]
    public async Task BadQueryParameters_Are400NamingThem(string url, string field) =>
        await (await Manager.GetAsync(url)).ExpectProblemAsync(HttpStatusCode.BadRequest, field);

    [Fact]
    public async Task UnknownRoutes_AreProblems404()
    {
        var response = await Manager.GetAsync("/api/v1/nothing-here");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}

public sealed class BadInputOnSqlite() : BadInputTests(DatabaseKind.Sqlite);

public sealed class BadInputOnSqlServer() : BadInputTests(DatabaseKind.SqlServer);
