using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.FileProviders;
using NationalAiEval.Api.Dashboard;
using NationalAiEval.Api.Tests.Infrastructure;

namespace NationalAiEval.Api.Tests.Dashboard;

/// <summary>
/// The dashboard's pages as the service serves them, without a browser: public, under a strict Content-Security-Policy,
/// and written so that no API text can ever become markup or code (the key in the tab could otherwise be stolen).
/// </summary>
public sealed class DashboardPagesTests : IAsyncLifetime
{
    private TestApp _app = null!;

    public async ValueTask InitializeAsync() => _app = await TestApp.StartAsync(DatabaseKind.Sqlite);

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private static IEnumerable<(string Path, string Text)> SiteFiles()
    {
        var files = new ManifestEmbeddedFileProvider(typeof(DashboardSetup).Assembly, "Dashboard/site");
        var folders = new Queue<string>(["/"]);
        while (folders.TryDequeue(out var folder))
        {
            foreach (var entry in files.GetDirectoryContents(folder))
            {
                var path = folder == "/" ? entry.Name : $"{folder}/{entry.Name}";
                if (entry.IsDirectory)
                {
                    folders.Enqueue(path);
                    continue;
                }

                using var reader = new StreamReader(entry.CreateReadStream());
                yield return (path, reader.ReadToEnd());
            }
        }
    }

    [Fact]
    public async Task ThePages_AreServedWithoutAKey_UnderAStrictContentSecurityPolicy()
    {
        using var anonymous = _app.Anonymous();

        using var page = await anonymous.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var policy = string.Join(";", page.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self'", policy, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-eval", policy, StringComparison.Ordinal);
        Assert.Equal("nosniff", Assert.Single(page.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("no-referrer", Assert.Single(page.Headers.GetValues("Referrer-Policy")));

        var scripts = SiteFiles().Where(f => f.Path.EndsWith(".js", StringComparison.Ordinal)).ToList();
        Assert.True(scripts.Count >= 8, $"found {scripts.Count} scripts");
        foreach (var (path, _) in scripts)
        {
            using var script = await anonymous.GetAsync("/" + path);
            Assert.Equal(HttpStatusCode.OK, script.StatusCode);
            Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
        }

        // The API behind the pages still needs a key.
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/me")).StatusCode);
    }

    [Fact]
    public void TheScripts_NeverTurnTextIntoMarkupOrCode_AndLoadNothingFromElsewhere()
    {
        var files = SiteFiles().ToList();
        Assert.Contains(files, f => f.Path == "views/team.js");
        foreach (var (path, text) in files)
        {
            foreach (var sink in new[] { "innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function", "localStorage" })
            {
                Assert.False(text.Contains(sink, StringComparison.Ordinal), $"{path} uses {sink}");
            }

            Assert.False(Regex.IsMatch(text, @"(src|href)\s*=\s*[""']?(https?:)?//", RegexOptions.IgnoreCase), $"{path} loads something from another site");
        }

        var index = files.Single(f => f.Path == "index.html").Text;
        Assert.DoesNotMatch(new Regex(@"<script(?![^>]*\bsrc=)[^>]*>", RegexOptions.IgnoreCase), index); // no inline script
    }
}
