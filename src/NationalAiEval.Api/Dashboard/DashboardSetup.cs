using Microsoft.Extensions.FileProviders;
using NationalAiEval.Api.Infrastructure.Http;

namespace NationalAiEval.Api.Dashboard;

/// <summary>
/// The dashboard: static pages (HTML, CSS, JavaScript modules, no build step, nothing from a CDN) embedded in the
/// service and served at <c>/</c>. They call the API with the key the person pastes, so what they show is exactly what
/// that key may read. The pages themselves are public: they hold no data.
/// </summary>
public static class DashboardSetup
{
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
                headers.ContentSecurityPolicy = SecurityHeaders.ContentSecurityPolicy;
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "no-referrer";
                headers.CacheControl = "no-cache";
            },
        });
    }
}
