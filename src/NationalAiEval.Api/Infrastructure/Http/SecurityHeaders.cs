using Microsoft.AspNetCore.Authentication;

namespace NationalAiEval.Api.Infrastructure.Http;

/// <summary>
/// Headers every answer carries, and the order of refusals: no answer may be sniffed into another content type,
/// the Swagger UI runs under the same strict content security policy as the dashboard, and a request without a valid
/// key hears 401 before anything about its body (a wrong content type is otherwise refused by routing, before
/// authentication is asked).
/// </summary>
public static class SecurityHeaders
{
    /// <summary>Scripts only from this service; no framing; the key never leaves in a referrer.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    /// <summary>The endpoint ASP.NET Core's routing picks for a body it does not accept (its display name is the only public mark of it).</summary>
    private const string UnsupportedMediaTypeEndpoint = "415 HTTP Unsupported Media Type";

    /// <summary>First in the pipeline: set as the answer starts, so that they survive an error page replacing it.</summary>
    public static void UseSecurityHeaders(this WebApplication app) =>
        app.Use((context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.XContentTypeOptions = "nosniff";
                if (context.Request.Path.StartsWithSegments("/swagger", StringComparison.OrdinalIgnoreCase))
                {
                    headers.ContentSecurityPolicy = ContentSecurityPolicy;
                    headers["Referrer-Policy"] = "no-referrer";
                }

                return Task.CompletedTask;
            });
            return next(context);
        });

    /// <summary>After authentication: a request that routing refused for its content type, and that has no valid key, is challenged instead.</summary>
    public static void UseAuthenticationBeforeMediaType(this WebApplication app) =>
        app.Use((context, next) =>
            context.GetEndpoint()?.DisplayName == UnsupportedMediaTypeEndpoint && context.User.Identity?.IsAuthenticated != true
                ? context.ChallengeAsync()
                : next(context));
}
