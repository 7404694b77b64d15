using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace NationalAiEval.Api.Infrastructure.Http;

/// <summary>
/// Reads a JSON body inside an endpoint rather than by parameter binding, for endpoints that must check who may call
/// them on what (a provider's own pool) before they look at the body: a caller learns nothing about another
/// provider's pool from how its body is judged. Errors are the same problems binding gives.
/// </summary>
public static class JsonBody
{
    public static async Task<T> ReadAsync<T>(HttpRequest request, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!request.HasJsonContentType())
        {
            throw Problems.UnsupportedMediaType("application/json", "Send the body as application/json.");
        }

        var options = request.HttpContext.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        return await request.ReadFromJsonAsync<T>(options, cancellationToken)
            ?? throw Problems.Validation("body", "A JSON body is required.");
    }
}
