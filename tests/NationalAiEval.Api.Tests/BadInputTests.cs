using System.Net;
using System.Text;
using NationalAiEval.Api.Tests.Infrastructure;

namespace NationalAiEval.Api.Tests;

/// <summary>
/// Every endpoint that takes a body, fed bodies that are not what it expects: each is answered with a 4xx problem
/// (never a 500, never a stack trace), and no table gains or loses a row.
/// </summary>
public abstract class BadInputTests(DatabaseKind kind) : ApiTest(kind)
{
    private static readonly (HttpMethod Method, string Url)[] Endpoints =
    [
        (HttpMethod.Post, "/api/v1/pools"),
        (HttpMethod.Patch, "/api/v1/pools/p8"),
        (HttpMethod.Post, "/api/v1/pools/p8/leases"),
        (HttpMethod.Put, "/api/v1/pools/p8/accounts/acct"),
        (HttpMethod.Put, "/api/v1/weights"),
        (HttpMethod.Post, "/api/v1/teams"),
        (HttpMethod.Post, "/api/v1/stages"),
        (HttpMethod.Patch, "/api/v1/stages/st"),
        (HttpMethod.Post, "/api/v1/stages/st/participations"),
        (HttpMethod.Post, "/api/v1/stages/st/participations/ta/elimination"),
        (HttpMethod.Post, "/api/v1/stages/st/participations/ta/withdrawal"),
        (HttpMethod.Post, "/api/v1/allocations"),
        (HttpMethod.Patch, "/api/v1/allocations/1"),
        (HttpMethod.Post, "/api/v1/keys"),
    ];

    private static readonly byte[][] Bodies =
    [
        Encoding.UTF8.GetBytes("{"),
        Encoding.UTF8.GetBytes("[]"),
        Encoding.UTF8.GetBytes("\"text\""),
        Encoding.UTF8.GetBytes("42"),
        Encoding.UTF8.GetBytes("null"),
        Encoding.UTF8.GetBytes(""),
        Encoding.UTF8.GetBytes("{\"code\":\"ok-code\",\"name\":\"N\",\"unexpected\":1}"),
        Encoding.UTF8.GetBytes("{\"gpus\":1e400}"),
        Encoding.UTF8.GetBytes("{\"gpus\":-99999999999999999999999}"),
        Encoding.UTF8.GetBytes("{\"start\":\"2026-13-45T99:00:00Z\"}"),
        Encoding.UTF8.GetBytes("{\"name\":" + new string('[', 200) + new string(']', 200) + "}"),
        [.. Encoding.UTF8.GetBytes("{\"name\":\""), 0xFF, 0xFE, 0xC3, .. Encoding.UTF8.GetBytes("\"}")],
        Encoding.UTF8.GetBytes("{\"name\":{\"nested\":true},\"role\":\"manager\",\"team\":7,\"gpus\":\"8\",\"effectiveAt\":12345}"),
    ];

    [Fact]
    public async Task EveryMalformedBody_GetsAProblem4xx_AndWritesNothing()
    {
        await Programme.SmallProgrammeAsync("ta");
        await (await Programme.AllocateAsync("st", "ta", "p8", 1, "2026-02-01T00:00:00Z", "2026-02-02T00:00:00Z")).ExpectAsync(HttpStatusCode.Created);
        var before = await App.RowCountsAsync();
        var failures = new List<string>();

        foreach (var (method, url) in Endpoints)
        {
            foreach (var body in Bodies)
            {
                using var request = new HttpRequestMessage(method, url) { Content = new ByteArrayContent(body) };
                request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
                request.Headers.TryAddWithoutValidation("If-Match", "*");
                var response = await Manager.SendAsync(request);
                var status = (int)response.StatusCode;
                var text = await response.Content.ReadAsStringAsync();
                if (status is < 400 or >= 500 || response.Content.Headers.ContentType?.MediaType != "application/problem+json" || text.Contains("   at ", StringComparison.Ordinal))
                {
                    failures.Add($"{method} {url} with {Encoding.UTF8.GetString(body)[..Math.Min(40, body.Length)]}: {status} {text[..Math.Min(200, text.Length)]}");
                }
            }
        }

        Assert.Empty(failures);
        Assert.Equal(before, await App.RowCountsAsync());
    }

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
