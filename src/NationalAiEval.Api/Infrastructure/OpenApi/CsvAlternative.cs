using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace NationalAiEval.Api.Infrastructure.OpenApi;

/// <summary>Marks an endpoint whose 200 response is JSON, or CSV text when the client asks for text/csv.</summary>
public sealed class CsvAlternative
{
    public static readonly CsvAlternative Instance = new();
}

/// <summary>
/// Adds the text/csv alternative to the 200 response of endpoints marked with <see cref="CsvAlternative"/>: ASP.NET's
/// Produces metadata keeps one response type per status code, so the second media type is added here.
/// </summary>
public sealed class CsvAlternativeFilter : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        ArgumentNullException.ThrowIfNull(operation);
        ArgumentNullException.ThrowIfNull(context);
        var marked = context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<CsvAlternative>().Any();
        if (marked && operation.Responses?.TryGetValue("200", out var ok) == true && ok.Content is { } content)
        {
            content["text/csv"] = new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The same report as CSV (UTF-8 with BOM), with a total row." } };
        }
    }
}
