using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace NationalAiEval.Api.Tests.Infrastructure;

/// <summary>Tests speak to the service in JSON on the wire, never through its own types, so the contract is what is tested.</summary>
public static class HttpAssertions
{
    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string url, object body) => client.PostAsJsonAsync(url, body);

    public static Task<HttpResponseMessage> PutJsonAsync(this HttpClient client, string url, object body) => client.PutAsJsonAsync(url, body);

    public static async Task<HttpResponseMessage> PatchJsonAsync(this HttpClient client, string url, object body, string? ifMatch = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Patch, url) { Content = JsonContent.Create(body) };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return await client.SendAsync(request);
    }

    public static async Task<HttpResponseMessage> PostRawAsync(this HttpClient client, string url, string body, string contentType = "application/json")
    {
        using var content = new StringContent(body, System.Text.Encoding.UTF8);
        content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
        return await client.PostAsync(url, content);
    }

    /// <summary>Asserts the status (showing the body when it differs) and returns the JSON body.</summary>
    public static async Task<JsonElement> ExpectAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"Expected {(int)status} {status} but got {(int)response.StatusCode}: {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Asserts one of the statuses and returns the JSON body.</summary>
    public static async Task<JsonElement> ExpectAsync(this HttpResponseMessage response, HttpStatusCode status, HttpStatusCode orStatus) =>
        await response.ExpectAsync(response.StatusCode == orStatus ? orStatus : status);

    /// <summary>Asserts an RFC 9457 problem with this status, and when given, an error on <paramref name="field"/>.</summary>
    public static async Task<JsonElement> ExpectProblemAsync(this HttpResponseMessage response, HttpStatusCode status, string? field = null)
    {
        var body = await response.ExpectAsync(status);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal((int)status, body.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("title").GetString()));
        Assert.DoesNotContain("   at ", body.ToString(), StringComparison.Ordinal);
        if (field is not null)
        {
            Assert.True(body.TryGetProperty("errors", out var errors) && errors.TryGetProperty(field, out _),
                $"Expected an error on '{field}' in {body}");
        }

        return body;
    }

    public static decimal Decimal(this JsonElement element, string property) => element.GetProperty(property).GetDecimal();

    public static long Long(this JsonElement element, string property) => element.GetProperty(property).GetInt64();

    public static string Text(this JsonElement element, string property) => element.GetProperty(property).GetString()!;

    public static JsonElement[] Items(this JsonElement element, string property = "items") => element.GetProperty(property).EnumerateArray().ToArray();
}
