using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace NationalAiEval.Api.Tests.Infrastructure;

/// <summary>
/// The demo as a newcomer starts it (the built service, <c>--demo</c>, its own SQLite file), its keys per role, and
/// headless Chromium (Debian's, at <c>/usr/bin/chromium</c> or <c>NAE_CHROMIUM</c>) driven by Playwright.
/// Screenshots go to the test's output folder, and to <c>api-docs/screenshots</c> with <c>UPDATE_SCREENSHOTS=1</c>.
/// </summary>
public sealed class DemoInBrowser : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "nationalaieval-dashboard-" + Guid.NewGuid().ToString("N"));
    private IPlaywright? _playwright;

    public ServiceProcess Service { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public IReadOnlyDictionary<string, string> Keys { get; private set; } = new Dictionary<string, string>();

    /// <summary>Why the browser tests cannot run here, or null when they can.</summary>
    public string? SkipReason { get; private set; }

    public static string ChromiumPath => Environment.GetEnvironmentVariable("NAE_CHROMIUM") ?? "/usr/bin/chromium";

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        Service = await ServiceProcess.StartAsync("--demo", $"--Demo:DatabasePath={Path.Combine(_directory, "demo.db")}");
        Keys = Regex.Matches(Service.Output, "^export (?<name>NAE_[A-Z_]+_KEY)=(?<secret>nae_\\S+)$", RegexOptions.Multiline)
            .ToDictionary(m => m.Groups["name"].Value, m => m.Groups["secret"].Value);
        if (!File.Exists(ChromiumPath))
        {
            // CI installs Chromium and sets NAE_REQUIRE_BROWSER=1, so there a missing browser fails; elsewhere it is a skip
            // that says what to install.
            var reason = $"Chromium is not at {ChromiumPath}: install Debian's chromium and fonts-noto-cjk (.ci/run does) or set NAE_CHROMIUM.";
            if (Environment.GetEnvironmentVariable("NAE_REQUIRE_BROWSER") == "1")
            {
                throw new InvalidOperationException(reason);
            }

            SkipReason = reason;
            return;
        }

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-dev-shm-usage"], // CI runs as root, where Chromium's sandbox cannot start
        });
    }

    /// <summary>A fresh tab (its own session storage) on a laptop-sized screen, signed in with <paramref name="keyName"/>.</summary>
    public async Task<IPage> SignedInAsync(string keyName, string view = "")
    {
        if (SkipReason is not null)
        {
            Assert.Skip(SkipReason);
        }

        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1366, Height = 900 },
            AcceptDownloads = true,
            TimezoneId = "Europe/London", // the pages must show programme dates in Seoul whatever the browser's zone
        });
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(Service.Address, "/" + view).ToString());
        await RenderedAfterAsync(page, async () =>
        {
            await page.FillAsync("#key", Keys[keyName]);
            await page.ClickAsync("#sign-in button[type=submit]");
        });
        return page;
    }

    /// <summary>Does <paramref name="action"/> and waits until the page has drawn the view it leads to.</summary>
    public static async Task RenderedAfterAsync(IPage page, Func<Task> action)
    {
        ArgumentNullException.ThrowIfNull(page);
        ArgumentNullException.ThrowIfNull(action);
        await page.WaitForSelectorAsync("#view[data-rendered]", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached });
        var before = await page.GetAttributeAsync("#view", "data-rendered");
        await action();
        await page.WaitForFunctionAsync("before => document.querySelector('#view').dataset.rendered !== before", before,
            new PageWaitForFunctionOptions { Timeout = 60_000 });
    }

    public static async Task ScreenshotAsync(IPage page, string name)
    {
        ArgumentNullException.ThrowIfNull(page);
        var bytes = await page.ScreenshotAsync(new PageScreenshotOptions { FullPage = true });
        var folder = Environment.GetEnvironmentVariable("UPDATE_SCREENSHOTS") == "1"
            ? Path.Combine(RepositoryPaths.Root, "api-docs", "screenshots")
            : Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(folder);
        await File.WriteAllBytesAsync(Path.Combine(folder, name + ".png"), bytes);
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (Service is not null)
        {
            await Service.DisposeAsync();
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by the stopping service: it is in the temporary folder anyway.
        }
    }
}
