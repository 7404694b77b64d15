using Microsoft.Extensions.FileProviders;

namespace NationalAiEval.Api.Dashboard;

/// <summary>
/// The dashboard: static pages (HTML, CSS, JavaScript modules, no build step, nothing from a CDN) embedded in the
/// service and served at <c>/</c>. They call the API with the key the person pastes, so what they show is exactly what
/// that key may read. The pages themselves are public: they hold no data.
/// </summary>
public static class DashboardSetup
{
    /// <summary>Scripts only from this service; no framing; the key never leaves in a referrer.</summary>
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    public static void UseDashboard(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var files = new ManifestEmbeddedFileProvider(typeof(DashboardSetup).Assembly, "Dashboard/site");
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            OnPrepareResponse = context =>
            {
                var headers = context.Context.Response.Headers;
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "no-referrer";
                headers.CacheControl = "no-cache";
            },
        });
    }
}
