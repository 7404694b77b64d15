using Microsoft.OpenApi;
using NodaTime;

namespace NationalAiEval.Api.Infrastructure.OpenApi;

/// <summary>
/// Swagger UI at /swagger and the document at /swagger/v1/swagger.json (committed as api-docs/openapi.json).
/// NodaTime values are mapped to strings with formats, because without a mapping they appear as large objects.
/// </summary>
public static class OpenApiSetup
{
    public const string DocumentName = "v1";
    public const string DocumentPath = "/swagger/v1/swagger.json";

    public static void AddOpenApiDocument(this IServiceCollection services)
    {
        services.AddEndpointsApiExplorer();
        services.AddSwaggerGen(options =>
        {
            options.SwaggerDoc(DocumentName, new OpenApiInfo
            {
                Title = "NationalAiEval API",
                Version = "v1",
                Description = "GPU allocation and quota service for a national AI programme: leased pools, equal entitlements, allocations, quotas. "
                    + "Authenticate with 'Authorization: Bearer <API key>'. Errors are RFC 9457 problem details.",
            });
            options.MapType<Instant>(() => new OpenApiSchema { Type = JsonSchemaType.String, Format = "date-time" });
            options.MapType<Instant?>(() => new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null, Format = "date-time" });
            options.MapType<LocalDate>(() => new OpenApiSchema { Type = JsonSchemaType.String, Format = "date" });
            options.MapType<LocalDate?>(() => new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null, Format = "date" });
            options.OperationFilter<CsvAlternativeFilter>();
            options.AddSecurityDefinition("bearer", new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "An API key created with POST /api/v1/keys or the 'keys create' command.",
            });
            options.AddSecurityRequirement(document => new OpenApiSecurityRequirement
            {
                [new OpenApiSecuritySchemeReference("bearer", document)] = [],
            });
        });
    }

    public static void UseOpenApiDocument(this WebApplication app)
    {
        app.UseSwagger();
        app.UseSwaggerUI(options =>
        {
            options.SwaggerEndpoint(DocumentPath, "NationalAiEval API v1");
            options.RoutePrefix = "swagger";
        });
    }
}
