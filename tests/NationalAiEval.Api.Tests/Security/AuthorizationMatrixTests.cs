using System.Net;
using System.Text;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using NationalAiEval.Api.Tests.Infrastructure;
using NodaTime;

namespace NationalAiEval.Api.Tests.Security;

/// <summary>
/// Every endpoint the running application maps, called with no key, a revoked key, and a key of every role: manager,
/// finance, team A, team B, the provider of pool P and the provider of pool Q. Route values name team A's and pool P's
/// resources, so team B and provider Q must get 404 (their existence does not leak) where the others may read them.
/// A new endpoint fails <see cref="EveryEndpoint_IsInTheMatrix"/> until its row is written here, and the matrix is
/// published as <c>api-docs/authorization-matrix.md</c> (regenerate with <c>UPDATE_MATRIX=1</c>).
/// </summary>
public abstract class AuthorizationMatrixTests(DatabaseKind kind) : ApiTest(kind)
{
    /// <summary>The callers, in the order they are tried: the least privileged first, so that a write that passes cannot change what a later caller sees.</summary>
    public static readonly string[] Callers = ["no key", "revoked", "team B", "provider Q", "finance", "provider P", "team A", "manager"];

    /// <summary>
    /// What each caller gets, in the order of <see cref="Columns"/>: <c>ok</c> means authorised (any answer but 401, 403
    /// or 404, and never 5xx: an empty body is refused with 400 after the role check, which is enough here).
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> Matrix = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["DELETE /api/v1/allocations/{id:long}"] = "401 401 ok 403 403 403 403 403",
        ["DELETE /api/v1/keys/{id}"] = "401 401 ok 403 403 403 403 403",
        ["GET /api/v1/allocations"] = "401 401 ok ok ok ok ok ok",
        ["GET /api/v1/allocations/{id:long}"] = "401 401 ok ok ok 404 ok 404",
        ["GET /api/v1/audit"] = "401 401 ok 403 403 403 403 403",
        ["GET /api/v1/flags"] = "401 401 ok ok ok ok ok ok",
        ["GET /api/v1/flags/{id:long}"] = "401 401 ok ok ok 404 ok 404",
        ["GET /api/v1/forecast"] = "401 401 ok ok 403 403 403 403",
        ["GET /api/v1/keys"] = "401 401 ok 403 403 403 403 403",
        ["GET /api/v1/keys/{id}"] = "401 401 ok 403 403 403 403 403",
        ["GET /api/v1/me"] = "401 401 ok ok ok ok ok ok",
        ["GET /api/v1/periods"] = "401 401 ok ok 403 403 403 403",
        ["GET /api/v1/pools"] = "401 401 ok ok 403 403 ok ok",
        ["GET /api/v1/pools/{pool}"] = "401 401 ok ok 403 403 ok 404",
        ["GET /api/v1/pools/{pool}/capacity"] = "401 401 ok ok 403 403 ok 404",
        ["GET /api/v1/pools/{pool}/slurm/limits"] = "401 401 ok ok 403 403 ok 404",
        ["GET /api/v1/pools/{pool}/usage/records"] = "401 401 ok ok 403 403 ok 404",
        ["GET /api/v1/pools/{pool}/utilisation"] = "401 401 ok ok 403 403 ok 404",
        ["GET /api/v1/reports/waste"] = "401 401 ok ok 403 403 403 403",
        ["GET /api/v1/stages"] = "401 401 ok ok ok ok 403 403",
        ["GET /api/v1/stages/{stage}"] = "401 401 ok ok ok ok 403 403",
        ["GET /api/v1/stages/{stage}/equality"] = "401 401 ok ok 403 403 403 403",
        ["GET /api/v1/stages/{stage}/participations"] = "401 401 ok ok ok ok 403 403",
        ["GET /api/v1/stages/{stage}/participations/{team}"] = "401 401 ok ok ok 404 403 403",
        ["GET /api/v1/stages/{stage}/participations/{team}/drawdowns"] = "401 401 ok ok ok 404 403 403",
        ["GET /api/v1/stages/{stage}/plan/capacity"] = "401 401 ok ok 403 403 403 403",
        ["GET /api/v1/teams"] = "401 401 ok ok ok ok 403 403",
        ["GET /api/v1/teams/{team}"] = "401 401 ok ok ok 404 403 403",
        ["GET /api/v1/teams/{team}/ledger"] = "401 401 ok ok ok 404 403 403",
        ["GET /api/v1/teams/{team}/quota"] = "401 401 ok ok ok 404 403 403",
        ["GET /api/v1/teams/{team}/usage"] = "401 401 ok ok ok 404 403 403",
        ["GET /api/v1/weights"] = "401 401 ok ok ok ok ok ok",
        ["GET /hangfire/{**path}"] = "401 401 ok 403 403 403 403 403",
        ["GET /health/live"] = "ok ok ok ok ok ok ok ok",
        ["GET /health/ready"] = "ok ok ok ok ok ok ok ok",
        ["PATCH /api/v1/allocations/{id:long}"] = "401 401 ok 403 403 403 403 403",
        ["PATCH /api/v1/pools/{pool}"] = "401 401 ok 403 403 403 403 403",
        ["PATCH /api/v1/stages/{stage}"] = "401 401 ok 403 403 403 403 403",
        ["POST /api/v1/allocations"] = "401 401 ok 403 403 403 403 403",
        ["POST /api/v1/flags/{id:long}/acknowledgement"] = "401 401 ok 403 403 403 403 403",
        ["POST /api/v1/flags/{id:long}/resolution"] = "401 401 ok 403 403 403 403 403",
        ["POST /api/v1/jobs/{job}/runs"] = "401 401 ok 403 403 403 403 403",
        ["POST /api/v1/keys"] = "401 401 ok 403 403 403 403 403",
        ["POST /api/v1/keys/{id}/rotation"] = "401 401 ok 404 ok 404 404 404",
        ["POST /api/v1/periods/{period}/close"] = "401 401 ok ok 403 403 403 403",
        ["POST /api/v1/pools"] = "401 401 ok 403 403 403 403 403",
        ["POST /api/v1/pools/{pool}/leases"] = "401 401 ok 403 403 403 403 403",
        ["POST /api/v1/pools/{pool}/usage"] = "401 401 ok 403 403 403 ok 404",
        ["POST /api/v1/pools/{pool}/usage/dcgm"] = "401 401 ok 403 403 403 ok 404",
        ["POST /api/v1/pools/{pool}/usage/records/{id:long}/correction"] = "401 401 ok 403 403 403 403 403",
        ["POST /api/v1/pools/{pool}/usage/records/{id:long}/void"] = "401 401 ok 403 403 403 403 403",
        ["POST /api/v1/pools/{pool}/usage/sacct"] = "401 401 ok 403 403 403 ok 404",
        ["POST /api/v1/stages"] = "401 401 ok 403 403 403 403 403",
        ["POST /api/v1/stages/{stage}/participations"] = "401 401 ok 403 403 403 403 403",
        ["POST /api/v1/stages/{stage}/participations/{team}/drawdowns"] = "401 401 ok 403 403 403 403 403",
        ["POST /api/v1/stages/{stage}/participations/{team}/elimination"] = "401 401 ok 403 403 403 403 403",
        ["POST /api/v1/stages/{stage}/participations/{team}/withdrawal"] = "401 401 ok 403 403 403 403 403",
        ["POST /api/v1/stages/{stage}/plan/commit"] = "401 401 ok 403 403 403 403 403",
        ["POST /api/v1/stages/{stage}/plan/preview"] = "401 401 ok 403 403 403 403 403",
        ["POST /api/v1/teams"] = "401 401 ok 403 403 403 403 403",
        ["POST /api/v1/usage/reconciliation"] = "401 401 ok 403 403 403 403 403",
        ["PUT /api/v1/pools/{pool}/accounts/{account}"] = "401 401 ok 403 403 403 403 403",
        ["PUT /api/v1/weights"] = "401 401 ok 403 403 403 403 403",
    };

    /// <summary>The matrix's columns: the same callers in reading order.</summary>
    public static readonly string[] Columns = ["no key", "revoked", "manager", "finance", "team A", "team B", "provider P", "provider Q"];

    public static TheoryData<string> Endpoints() => [.. Matrix.Keys.Order(StringComparer.Ordinal)];

    [Fact]
    public async Task EveryEndpoint_IsInTheMatrix()
    {
        var mapped = MappedEndpoints(App.Services);

        Assert.Equal(Matrix.Keys.Order(StringComparer.Ordinal), mapped);
    }

    [Fact]
    public void TheMatrix_IsPublishedInTheDocs()
    {
        var path = Path.Combine(RepositoryPaths.Root, "api-docs", "authorization-matrix.md");
        var expected = Render();
        if (Environment.GetEnvironmentVariable("UPDATE_MATRIX") == "1")
        {
            File.WriteAllText(path, expected);
        }

        Assert.Equal(expected, File.ReadAllText(path));
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task EachCaller_GetsWhatTheMatrixSays(string endpoint)
    {
        var keys = await SecurityFixture.BuildAsync(App, Programme);
        var (method, pattern) = (endpoint[..endpoint.IndexOf(' ', StringComparison.Ordinal)], endpoint[(endpoint.IndexOf(' ', StringComparison.Ordinal) + 1)..]);
        var url = keys.Fill(pattern);
        var expected = Matrix[endpoint].Split(' ');
        var actual = new Dictionary<string, string>();
        foreach (var caller in Callers)
        {
            using var client = caller == "no key" ? App.Anonymous() : App.Client(keys.Secrets[caller]);
            using var request = new HttpRequestMessage(new HttpMethod(method), url);
            if (method is "POST" or "PUT" or "PATCH")
            {
                request.Content = pattern.EndsWith("/sacct", StringComparison.Ordinal) || pattern.EndsWith("/dcgm", StringComparison.Ordinal)
                    ? new StringContent(string.Empty, Encoding.UTF8, "text/plain")
                    : new StringContent("{}", Encoding.UTF8, "application/json");
            }

            var response = await client.SendAsync(request);
            Assert.True((int)response.StatusCode < 500, $"{caller} {endpoint}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            actual[caller] = Outcome(response.StatusCode);
        }

        Assert.Equal(string.Join(' ', expected), string.Join(' ', Columns.Select(c => actual[c])));
    }

    [Fact]
    public async Task Lists_GiveTeamBAndProviderQ_NothingOfTeamAOrPoolP()
    {
        var keys = await SecurityFixture.BuildAsync(App, Programme);
        using var teamB = App.Client(keys.Secrets["team B"]);
        using var providerQ = App.Client(keys.Secrets["provider Q"]);

        foreach (var (client, url) in new[]
        {
            (teamB, "/api/v1/allocations"), (teamB, "/api/v1/flags"), (teamB, "/api/v1/teams"), (teamB, "/api/v1/stages/st/participations"),
            (providerQ, "/api/v1/allocations"), (providerQ, "/api/v1/flags"), (providerQ, "/api/v1/pools"),
        })
        {
            var text = (await (await client.GetAsync(url)).ExpectAsync(HttpStatusCode.OK)).ToString();
            Assert.DoesNotContain("\"ta\"", text, StringComparison.Ordinal);
            Assert.DoesNotContain("\"pp\"", text, StringComparison.Ordinal);
        }

        // The same lists do show them to team A and provider P: the check above can fail.
        var own = (await (await App.Client(keys.Secrets["team A"]).GetAsync("/api/v1/allocations")).ExpectAsync(HttpStatusCode.OK)).ToString();
        Assert.Contains("\"ta\"", own, StringComparison.Ordinal);
        var pool = (await (await App.Client(keys.Secrets["provider P"]).GetAsync("/api/v1/flags")).ExpectAsync(HttpStatusCode.OK)).ToString();
        Assert.Contains("\"pp\"", pool, StringComparison.Ordinal);
    }

    private static string Outcome(HttpStatusCode status) => status switch
    {
        HttpStatusCode.Unauthorized => "401",
        HttpStatusCode.Forbidden => "403",
        HttpStatusCode.NotFound => "404",
        _ => "ok",
    };

    /// <summary>"GET /api/v1/pools/{pool}" for every mapped route and method (health checks and the dashboard included).</summary>
    public static List<string> MappedEndpoints(IServiceProvider services) =>
        [.. services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Select(m => $"{m} {Normalise(e.RoutePattern.RawText ?? string.Empty)}"))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)];

    private static string Normalise(string pattern) => "/" + pattern.Trim('/');

    private static string Render()
    {
        var text = new StringBuilder();
        text.AppendLine("# Authorization matrix");
        text.AppendLine();
        text.AppendLine("What every endpoint answers to each kind of caller, as `AuthorizationMatrixTests` checks it against the running");
        text.AppendLine("service (this file is generated from the test's table; the test fails when either changes alone). Route values");
        text.AppendLine("name team A's and pool P's resources. `ok`: the caller is authorised (the answer is the endpoint's own: 200, 201,");
        text.AppendLine("or 400 for the empty body the test sends); `401`: no valid key; `403`: the role may not; `404`: the resource belongs");
        text.AppendLine("to another team or another provider's pool, and its existence is not revealed.");
        text.AppendLine();
        text.AppendLine($"| endpoint | {string.Join(" | ", Columns)} |");
        text.AppendLine($"|---|{string.Concat(Columns.Select(_ => "---|"))}");
        foreach (var (endpoint, outcomes) in Matrix.OrderBy(m => m.Key[(m.Key.IndexOf(' ', StringComparison.Ordinal) + 1)..], StringComparer.Ordinal)
            .ThenBy(m => m.Key, StringComparer.Ordinal))
        {
            text.AppendLine($"| `{endpoint}` | {string.Join(" | ", outcomes.Split(' '))} |");
        }

        return text.ToString();
    }
}

public sealed class AuthorizationMatrixOnSqlite() : AuthorizationMatrixTests(DatabaseKind.Sqlite);

public sealed class AuthorizationMatrixOnSqlServer() : AuthorizationMatrixTests(DatabaseKind.SqlServer);
