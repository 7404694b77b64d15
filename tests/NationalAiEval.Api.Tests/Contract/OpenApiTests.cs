using System.Net;
using System.Text.Json;
using NationalAiEval.Api.Tests.Infrastructure;

namespace NationalAiEval.Api.Tests.Contract;

/// <summary>
/// The committed api-docs/openapi.json must be exactly what the service serves. After changing the API surface,
/// regenerate it with: UPDATE_OPENAPI=1 dotnet test NationalAiEval.sln --filter OpenApi
/// </summary>
public sealed class OpenApiTests : IAsyncLifetime
{
    private TestApp _app = null!;

    public async ValueTask InitializeAsync() => _app = await TestApp.StartAsync(DatabaseKind.Sqlite);

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task CommittedDocument_EqualsTheServedOne()
    {
        var served = Normalise(await _app.Anonymous().GetStringAsync("/swagger/v1/swagger.json"));
        if (Environment.GetEnvironmentVariable("UPDATE_OPENAPI") == "1")
        {
            await File.WriteAllTextAsync(RepositoryPaths.OpenApiDocument, served);
        }

        var committed = File.Exists(RepositoryPaths.OpenApiDocument) ? Normalise(await File.ReadAllTextAsync(RepositoryPaths.OpenApiDocument)) : string.Empty;
        Assert.True(committed == served,
            "api-docs/openapi.json differs from the served document; regenerate it with UPDATE_OPENAPI=1 dotnet test NationalAiEval.sln --filter OpenApi");
    }

    [Fact]
    public async Task NodaTimeValues_AreStringsWithFormats()
    {
        var schemas = await SchemasAsync();

        var lease = schemas.GetProperty("CreateLeaseRequest").GetProperty("properties");
        Assert.Equal(("string", "date-time"), (lease.GetProperty("start").Text("type"), lease.GetProperty("start").Text("format")));
        var stage = schemas.GetProperty("CreateStageRequest").GetProperty("properties");
        Assert.Equal(("string", "date"), (stage.GetProperty("startDate").Text("type"), stage.GetProperty("startDate").Text("format")));
    }

    [Fact]
    public async Task EveryOperation_HasAnId_AFeatureTag_AndBearerSecurity()
    {
        var document = JsonDocument.Parse(await _app.Anonymous().GetStringAsync("/swagger/v1/swagger.json")).RootElement;
        var operations = document.GetProperty("paths").EnumerateObject().SelectMany(p => p.Value.EnumerateObject()).ToList();

        Assert.True(operations.Count >= 30);
        Assert.All(operations, op =>
        {
            Assert.False(string.IsNullOrEmpty(op.Value.Text("operationId")));
            var tag = Assert.Single(op.Value.Items("tags")).GetString();
            Assert.DoesNotContain("NationalAiEval", tag, StringComparison.Ordinal);
        });
        Assert.Equal("bearer", document.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer").Text("scheme"));
    }

    [Fact]
    public async Task SwaggerUi_IsServed()
    {
        var response = await _app.Anonymous().GetAsync("/swagger/index.html");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("swagger-ui", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private async Task<JsonElement> SchemasAsync() =>
        JsonDocument.Parse(await _app.Anonymous().GetStringAsync("/swagger/v1/swagger.json")).RootElement.GetProperty("components").GetProperty("schemas");

    private static string Normalise(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd() + "\n";
}
