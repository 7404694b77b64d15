using System.Collections;
using System.Net;
using System.Reflection;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using NationalAiEval.Api.Tests.Infrastructure;
using NationalAiEval.Api.Tests.Security;
using NodaTime;

namespace NationalAiEval.Api.Tests.Contract;

/// <summary>
/// A corpus of malformed requests generated for every endpoint that takes a body or query parameters: bodies that are
/// not JSON objects, each field given a value of the wrong type, out of range, too long or nested too deep, unknown
/// fields, end before start, invalid UTF-8; scheduler texts with wrong columns; query parameters that cannot be read.
/// Each is answered with a 4xx problem (never a 500 or a stack trace), and every row of every table is as it was.
/// </summary>
public abstract class MalformedCorpusTests(DatabaseKind kind) : ApiTest(kind)
{
    /// <summary>Every endpoint of the matrix that the OpenAPI document says takes a body or query parameters.</summary>
    public static TheoryData<string> Endpoints() => [.. AuthorizationMatrixTests.Matrix.Keys
        .Where(e => HasBody(e) || QueryParameters(e).Count > 0)
        .Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task EveryMalformedRequest_IsA4xxProblem_AndChangesNothing(string endpoint)
    {
        var fixture = await SecurityFixture.BuildAsync(App, Programme);
        var (method, pattern) = Split(endpoint);
        var url = fixture.Fill(pattern);
        var accepts = App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .First(e => "/" + e.RoutePattern.RawText!.Trim('/') == pattern
                && (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods.Contains(method) ?? false))
            .Metadata.GetMetadata<IAcceptsMetadata>();
        await (await Manager.GetAsync("/api/v1/stages")).ExpectAsync(HttpStatusCode.OK);
        var before = await App.ChecksumAsync();

        var requests = new List<(string Description, HttpRequestMessage Request)>();
        if (accepts?.ContentTypes.Contains("text/plain") == true)
        {
            requests.AddRange(TextCorpus(pattern).Select(t => (t.Description, Request(method, url, t.Body, "text/plain"))));
        }
        else if (accepts?.RequestType is { } type)
        {
            // An optional body may be absent: "null" and nothing are then valid requests, not malformed ones.
            requests.AddRange(BodyCorpus(type).Where(b => !accepts.IsOptional || b.Description is not ("null" or "empty"))
                .Select(b => (b.Description, Request(method, url, b.Body, "application/json"))));
        }

        foreach (var (name, values) in QueryParameters(endpoint))
        {
            foreach (var value in values)
            {
                var separator = url.Contains('?', StringComparison.Ordinal) ? '&' : '?';
                var body = method == "GET" ? null : accepts?.ContentTypes.Contains("text/plain") == true ? Encoding.UTF8.GetBytes(string.Empty) : Encoding.UTF8.GetBytes("{}");
                requests.Add(($"?{name}={value[..Math.Min(30, value.Length)]}",
                    Request(method, $"{url}{separator}{name}={Uri.EscapeDataString(value)}", body, (accepts?.ContentTypes is { Count: > 0 } types ? types[0] : "application/json"))));
            }
        }

        var failures = new List<string>();
        foreach (var (description, request) in requests)
        {
            using (request)
            {
                var response = await Manager.SendAsync(request);
                var status = (int)response.StatusCode;
                var text = await response.Content.ReadAsStringAsync();
                if (status is < 400 or >= 500 || response.Content.Headers.ContentType?.MediaType != "application/problem+json"
                    || text.Contains("   at ", StringComparison.Ordinal))
                {
                    failures.Add($"{endpoint} {description}: {status} {text[..Math.Min(300, text.Length)]}");
                }
            }
        }

        Assert.True(requests.Count > 0, $"no corpus for {endpoint}");
        Assert.Empty(failures);
        Assert.Equal(before, await App.ChecksumAsync());
    }

    private static (string Method, string Pattern) Split(string endpoint) =>
        (endpoint[..endpoint.IndexOf(' ', StringComparison.Ordinal)], endpoint[(endpoint.IndexOf(' ', StringComparison.Ordinal) + 1)..]);

    private static HttpRequestMessage Request(string method, string url, byte[]? body, string contentType)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), url);
        request.Headers.TryAddWithoutValidation("If-Match", "\"1\"");
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        }

        return request;
    }

    private static readonly (string Description, byte[] Body)[] NotAnObject =
    [
        ("unterminated", Encoding.UTF8.GetBytes("{")),
        ("array", Encoding.UTF8.GetBytes("[]")),
        ("string", Encoding.UTF8.GetBytes("\"text\"")),
        ("number", Encoding.UTF8.GetBytes("42")),
        ("null", Encoding.UTF8.GetBytes("null")),
        ("empty", []),
        ("nested 500 deep", Encoding.UTF8.GetBytes(new string('[', 500) + new string(']', 500))),
        ("invalid UTF-8", [.. Encoding.UTF8.GetBytes("{\"name\":\""), 0xFF, 0xFE, 0xC3, .. Encoding.UTF8.GetBytes("\"}")]),
        ("trailing garbage", Encoding.UTF8.GetBytes("{} {}")),
        ("duplicate keys of the wrong type", Encoding.UTF8.GetBytes("{\"zz\":1,\"zz\":[]}")),
    ];

    /// <summary>Whole-body faults, then each field of the request record made wrong in every way its type allows.</summary>
    private static IEnumerable<(string Description, byte[] Body)> BodyCorpus(Type type)
    {
        foreach (var body in NotAnObject)
        {
            yield return body;
        }

        var fields = Fields(type);
        var valid = fields.ToDictionary(f => f.Name, f => Typical(f.Type));
        yield return ("an unknown field", Body(valid, "notAField", "1"));
        if (valid.ContainsKey("start") && valid.ContainsKey("end"))
        {
            var swapped = new Dictionary<string, string>(valid) { ["start"] = "\"2026-03-01T00:00:00Z\"" };
            yield return ("end before start", Body(swapped, "end", "\"2026-02-01T00:00:00Z\""));
        }

        foreach (var (name, fieldType) in fields)
        {
            foreach (var (description, value) in WrongValues(fieldType))
            {
                yield return ($"{name}: {description}", Body(valid, name, value));
            }
        }
    }

    /// <summary>Values (as JSON text) that the field's type cannot take.</summary>
    private static IEnumerable<(string, string)> WrongValues(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        yield return ("nested 200 deep", new string('[', 200) + new string(']', 200));
        if (type == typeof(string))
        {
            yield return ("a number", "12345");
            yield return ("an object", "{}");
            yield return ("100,000 characters", "\"" + new string('x', 100_000) + "\"");
        }
        else if (type == typeof(long) || type == typeof(int))
        {
            yield return ("text", "\"abc\"");
            yield return ("a fraction", "1.5");
            yield return ("negative", "-1");
            yield return ("beyond 64 bits", "9223372036854775808");
            yield return ("1e400", "1e400");
        }
        else if (type == typeof(Instant))
        {
            yield return ("not a date", "\"not-a-date\"");
            yield return ("a number", "20260201");
            yield return ("with an offset", "\"2026-02-01T09:00:00+09:00\"");
            yield return ("in 1900", "\"1900-01-01T00:00:00Z\"");
            yield return ("in 2200", "\"2200-01-01T00:00:00Z\"");
            yield return ("a fraction of a second", "\"2026-02-01T00:00:00.5Z\"");
            yield return ("30 February", "\"2026-02-30T00:00:00Z\"");
        }
        else if (type == typeof(LocalDate))
        {
            yield return ("not a date", "\"someday\"");
            yield return ("an instant", "\"2026-02-01T00:00:00Z\"");
            yield return ("in 1900", "\"1900-01-01\"");
            yield return ("30 February", "\"2026-02-30\"");
        }
        else if (type.IsEnum)
        {
            yield return ("no such value", "\"no-such-value\"");
            yield return ("a number", "1");
        }
        else if (IsDictionary(type))
        {
            yield return ("an array", "[]");
            yield return ("a negative entry", "{\"B200\":-1}");
        }
        else if (type != typeof(string) && typeof(IEnumerable).IsAssignableFrom(type))
        {
            yield return ("text", "\"text\"");
            yield return ("an array of numbers", "[1,2]");
        }
        else if (type == typeof(bool))
        {
            yield return ("text", "\"yes\"");
        }
        else
        {
            yield return ("text", "\"text\"");
            yield return ("an object with an unknown field", "{\"notAField\":1}");
        }
    }

    /// <summary>A value of the field's type, as JSON text, that reads (it need not pass the endpoint's rules).</summary>
    private static string Typical(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type switch
        {
            _ when type == typeof(string) => "\"ta\"",
            _ when type == typeof(long) || type == typeof(int) => "1",
            _ when type == typeof(Instant) => "\"2026-02-01T00:00:00Z\"",
            _ when type == typeof(LocalDate) => "\"2026-02-01\"",
            _ when type == typeof(bool) => "false",
            _ when type.IsEnum => "\"" + JsonNamingPolicy.CamelCase.ConvertName(Enum.GetNames(type)[0]) + "\"",
            _ when IsDictionary(type) => "{}",
            _ when typeof(IEnumerable).IsAssignableFrom(type) => "[]",
            _ => "{}",
        };
    }

    private static List<(string Name, Type Type)> Fields(Type type) =>
        [.. type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanRead && p.GetIndexParameters().Length == 0 && p.Name != "EqualityContract")
            .Select(p => (JsonNamingPolicy.CamelCase.ConvertName(p.Name), p.PropertyType))];

    private static bool IsDictionary(Type type) =>
        type.GetInterfaces().Append(type).Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>));

    /// <summary>The object with one field's value replaced (or added), as UTF-8 JSON.</summary>
    private static byte[] Body(Dictionary<string, string> fields, string name, string value)
    {
        var copy = new Dictionary<string, string>(fields) { [name] = value };
        return Encoding.UTF8.GetBytes("{" + string.Join(",", copy.Select(f => $"\"{f.Key}\":{f.Value}")) + "}");
    }

    /// <summary>Whether the OpenAPI document gives the operation a request body.</summary>
    private static bool HasBody(string endpoint)
    {
        var (method, pattern) = Split(endpoint);
        using var document = JsonDocument.Parse(File.ReadAllText(RepositoryPaths.OpenApiDocument));
        return document.RootElement.GetProperty("paths").TryGetProperty(pattern.Replace("{id:long}", "{id}", StringComparison.Ordinal), out var operations)
            && operations.TryGetProperty(method.ToLowerInvariant(), out var operation) && operation.TryGetProperty("requestBody", out _);
    }

    private static IEnumerable<(string Description, byte[] Body)> TextCorpus(string pattern)
    {
        var header = "JobID|Account|AllocTRES|Start|End|ElapsedRaw|State\n";
        var texts = pattern.EndsWith("/sacct", StringComparison.Ordinal)
            ? new[]
            {
                ("empty", string.Empty),
                ("no header", "9001|lgai|gres/gpu=8|2026-02-01T00:00:00|2026-02-01T01:00:00|3600|COMPLETED\n"),
                ("a column short", header + "9001|lgai|gres/gpu=8|2026-02-01T00:00:00|2026-02-01T01:00:00|3600\n"),
                ("a column too many", header + "9001|lgai|gres/gpu=8|2026-02-01T00:00:00|2026-02-01T01:00:00|3600|COMPLETED|x\n"),
                ("a header without Start", "JobID|Account|AllocTRES|End|State\n9001|lgai|gres/gpu=8|2026-02-01T01:00:00|COMPLETED\n"),
                ("a bad time", header + "9001|lgai|gres/gpu=8|yesterday|2026-02-01T01:00:00|3600|COMPLETED\n"),
                ("end before start", header + "9001|lgai|gres/gpu=8|2026-02-01T02:00:00|2026-02-01T01:00:00|3600|COMPLETED\n"),
                ("a negative GPU count", header + "9001|lgai|gres/gpu=-8|2026-02-01T00:00:00|2026-02-01T01:00:00|3600|COMPLETED\n"),
                ("in the future", header + "9001|lgai|gres/gpu=8|2027-02-01T00:00:00|2027-02-01T01:00:00|3600|COMPLETED\n"),
                ("binary", "\u0001\u0002\u0003\u0000PK\u0003\u0004"),
            }
            : new[]
            {
                ("an open brace", "DCGM_FI_DEV_GPU_UTIL{UUID=\"GPU-0\" 5\n"),
                ("a word for a value", "DCGM_FI_DEV_GPU_UTIL{UUID=\"GPU-0\"} high\n"),
                ("250 percent", "DCGM_FI_DEV_GPU_UTIL{UUID=\"GPU-0\"} 250\n"),
                ("no GPU", "DCGM_FI_DEV_GPU_UTIL{gpu=\"0\"} 5\n"),
                ("no time at all", "DCGM_FI_DEV_GPU_UTIL{UUID=\"GPU-0\"} 5\n"),
                ("binary", "\u0001\u0002\u0003\u0000PK\u0003\u0004"),
            };
        foreach (var (description, text) in texts)
        {
            yield return (description, Encoding.UTF8.GetBytes(text));
        }

        yield return ("invalid UTF-8", [.. Encoding.UTF8.GetBytes(header), 0xFF, 0xFE, 0xC3, 0x0A]);
    }

    /// <summary>Unreadable values for each query parameter the endpoint documents (from the committed OpenAPI document).</summary>
    private static List<(string Name, string[] Values)> QueryParameters(string endpoint)
    {
        var (method, pattern) = Split(endpoint);
        using var document = JsonDocument.Parse(File.ReadAllText(RepositoryPaths.OpenApiDocument));
        var path = pattern.Replace("{id:long}", "{id}", StringComparison.Ordinal);
        if (!document.RootElement.GetProperty("paths").TryGetProperty(path, out var operations)
            || !operations.TryGetProperty(method.ToLowerInvariant(), out var operation) || !operation.TryGetProperty("parameters", out var parameters))
        {
            return [];
        }

        return [.. parameters.EnumerateArray().Where(p => p.GetProperty("in").GetString() == "query")
            .Select(p => p.GetProperty("name").GetString()!)
            .Select(name => (name, BadQueryValues(name)))
            .Where(p => p.Item2.Length > 0)];
    }

    private static string[] BadQueryValues(string name) => name switch
    {
        "from" or "to" or "asOf" or "until" or "scrapedAt" => ["tomorrow", "2026-13-45T00:00:00Z", "2026-02-30", "99999999999", new string('9', 5000)],
        "limit" => ["0", "-1", "abc", "1001", "99999999999999999999"],
        "after" => ["-1", "abc", "99999999999999999999"],
        "granularity" => ["week", "1", ""],
        "groupBy" => ["colour", "pool,pool", ",,,"],
        "format" => ["xml"],
        "kind" => ["no-such-kind"],
        "status" => ["maybe"],
        "timeZone" => ["Mars/Olympus_Mons", new string('x', 5000)],
        "team" or "pool" or "stage" => ["NOT A CODE!", new string('x', 5000)],
        "cluster" => [new string('x', 5000), "bad cluster name;drop"],
        "entity" or "entityId" or "action" or "key" => [new string('x', 5000)],
        _ => [],
    };
}

public sealed class MalformedCorpusOnSqlite() : MalformedCorpusTests(DatabaseKind.Sqlite);

public sealed class MalformedCorpusOnSqlServer() : MalformedCorpusTests(DatabaseKind.SqlServer);
