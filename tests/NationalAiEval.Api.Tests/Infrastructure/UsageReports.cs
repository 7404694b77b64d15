using System.Net;
using System.Text;

namespace NationalAiEval.Api.Tests.Infrastructure;

/// <summary>Sends usage and runs reconciliation through the API, as providers and managers do.</summary>
public static class UsageReports
{
    public static Task<HttpResponseMessage> PostRecordsAsync(this HttpClient client, string pool, params object[] records) =>
        client.PostJsonAsync($"/api/v1/pools/{pool}/usage", new { records });

    public static async Task<HttpResponseMessage> PostSacctAsync(this HttpClient client, string pool, string text, string? timeZone = null)
    {
        using var content = new StringContent(text, Encoding.UTF8, "text/plain");
        var url = $"/api/v1/pools/{pool}/usage/sacct" + (timeZone is null ? string.Empty : $"?timeZone={Uri.EscapeDataString(timeZone)}");
        return await client.PostAsync(url, content);
    }

    public static async Task<System.Text.Json.JsonElement> ReconcileAsync(this HttpClient manager) =>
        await (await manager.PostAsync("/api/v1/usage/reconciliation", null)).ExpectAsync(HttpStatusCode.OK);

    public static object Job(string id, string account, string start, string? end, long gpus, string? measuredAt = null) =>
        new { externalId = id, account, start, end, gpus, measuredAt };
}
