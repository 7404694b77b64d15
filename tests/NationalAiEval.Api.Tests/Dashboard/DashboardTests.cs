using System.Globalization;
using System.Net;
using System.Text.Json;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using NationalAiEval.Api.Tests.Infrastructure;

namespace NationalAiEval.Api.Tests.Dashboard;

/// <summary>
/// The dashboard in headless Chromium against the demo: each role signs in with its demo key, every figure checked
/// here equals what the API answers to the same key, a team never sees another team, the labels switch to Korean,
/// the pages work from the keyboard, and each view is photographed for the README.
/// </summary>
[Trait(TestKinds.Name, TestKinds.Browser)]
public sealed class DashboardTests(DemoInBrowser demo) : IClassFixture<DemoInBrowser>
{
    private async Task<JsonElement> ApiAsync(string keyName, string path)
    {
        using var client = demo.Service.Client(demo.Keys[keyName]);
        return await (await client.GetAsync(path)).ExpectAsync(HttpStatusCode.OK);
    }

    private static async Task<decimal> ValueAsync(IPage page, string testId) =>
        decimal.Parse((await page.GetAttributeAsync($"[data-testid='{testId}']", "data-value"))!, NumberStyles.Float, CultureInfo.InvariantCulture);

    private static async Task AssertNoErrorAsync(IPage page) =>
        Assert.Equal(string.Empty, await page.TextContentAsync("#status"));

    [Fact]
    public async Task Programme_ShowsEachPoolsLeasedAllocatedAndUsed_AndTheOpenFlags_AsTheApiSaysThem()
    {
        var page = await demo.SignedInAsync("NAE_MANAGER_KEY");
        await AssertNoErrorAsync(page);

        var pools = (await ApiAsync("NAE_MANAGER_KEY", "/api/v1/pools?limit=500")).Items();
        Assert.NotEmpty(pools);
        foreach (var pool in pools.Select(p => p.Text("code")))
        {
            var total = (await ApiAsync("NAE_MANAGER_KEY", $"/api/v1/pools/{pool}/utilisation?granularity=day")).GetProperty("total");
            Assert.Equal(total.Decimal("leasedGpuHours"), await ValueAsync(page, $"pool-{pool}-leased"));
            Assert.Equal(total.Decimal("usedGpuHours"), await ValueAsync(page, $"pool-{pool}-used"));
            Assert.Equal(total.Decimal("idleUnallocatedGpuHours") + total.Decimal("idleAllocatedUnusedGpuHours"), await ValueAsync(page, $"pool-{pool}-idle"));
            Assert.Equal(3, await page.Locator($"[data-pool='{pool}'] svg polyline").CountAsync());
        }

        var flags = (await ApiAsync("NAE_MANAGER_KEY", "/api/v1/flags?status=open&limit=500")).Items();
        Assert.Equal(flags.Sum(f => f.GetProperty("krw").ValueKind == JsonValueKind.Number ? f.GetProperty("krw").GetInt64() : 0), await ValueAsync(page, "flags-krw"));
        Assert.Equal(flags.Length, await page.Locator("[data-testid='flags'] tbody tr").CountAsync());
        await DemoInBrowser.ScreenshotAsync(page, "programme");
    }

    [Fact]
    public async Task Team_ShowsItsQuotaBurnDownAndAllocations_AndNeverAnotherTeam()
    {
        var page = await demo.SignedInAsync("NAE_TEAM_LG_KEY");
        await AssertNoErrorAsync(page);

        // A team key sees one view, its own team, whatever the address asks for.
        Assert.Equal(["Team"], await page.Locator("#nav a:visible").AllTextContentsAsync());
        await DemoInBrowser.RenderedAfterAsync(page, () => page.EvaluateAsync("location.hash = '#/team/upstage'"));
        Assert.Contains("lg-ai-research", await page.TextContentAsync("[data-testid='team-code']"), StringComparison.Ordinal);
        Assert.DoesNotContain("upstage", await page.TextContentAsync("#view") ?? string.Empty, StringComparison.OrdinalIgnoreCase);

        var stage = Assert.Single((await ApiAsync("NAE_TEAM_LG_KEY", "/api/v1/teams/lg-ai-research/quota")).Items("stages"));
        Assert.Equal(stage.Decimal("entitlementGpuHours"), await ValueAsync(page, "quota-stage-2-entitlement"));
        Assert.Equal(stage.GetProperty("used").Decimal("equivalentGpuHours"), await ValueAsync(page, "quota-stage-2-used"));
        Assert.Equal(stage.Decimal("remainingGpuHours"), await ValueAsync(page, "quota-stage-2-remaining"));
        // Allocated ahead shrinks as the demo's clock runs: the page read it a moment before the test did, so it may be
        // larger by what the team's running allocations (512 GPUs) hold in a minute, never smaller.
        var ahead = await ValueAsync(page, "quota-stage-2-ahead");
        Assert.InRange(ahead, stage.Decimal("allocatedAheadGpuHours"), stage.Decimal("allocatedAheadGpuHours") + (512m * 60 / 3600));
        Assert.Equal(3, await page.Locator("[data-testid='burndown-stage-2'] polyline").CountAsync());
        var burnedDown = decimal.Parse((await page.GetAttributeAsync("[data-testid='burndown-stage-2']", "data-used"))!, NumberStyles.Float, CultureInfo.InvariantCulture);
        Assert.InRange(burnedDown - stage.GetProperty("used").Decimal("equivalentGpuHours"), -0.001m, 0.001m); // daily figures are rounded to 6 decimals
        var allocations = (await ApiAsync("NAE_TEAM_LG_KEY", "/api/v1/allocations?team=lg-ai-research&limit=500")).Items();
        Assert.Equal(allocations.Length, await page.Locator("[data-testid='allocations-stage-2'] tbody tr").CountAsync());
        await DemoInBrowser.ScreenshotAsync(page, "team");

        // Even asked directly, the API the page calls refuses another team's quota to this key (404, not 403).
        var status = await page.EvaluateAsync<int>(
            "async key => (await fetch('/api/v1/teams/upstage/quota', { headers: { Authorization: 'Bearer ' + sessionStorage.getItem('nae.key') } })).status", null);
        Assert.Equal(404, status);
    }

    [Fact]
    public async Task AManager_PicksAnyTeam_FromTheTeamView()
    {
        var page = await demo.SignedInAsync("NAE_MANAGER_KEY", "#/team/motif");
        await AssertNoErrorAsync(page);

        Assert.Contains("motif", await page.TextContentAsync("[data-testid='team-code']"), StringComparison.Ordinal);
        var stage = Assert.Single((await ApiAsync("NAE_MANAGER_KEY", "/api/v1/teams/motif/quota")).Items("stages"));
        Assert.Equal(stage.Decimal("remainingGpuHours"), await ValueAsync(page, "quota-stage-2-remaining"));
        Assert.Equal(4, await page.Locator("#team-choice option").CountAsync());
    }

    [Fact]
    public async Task Plan_ShowsTheTimelineAndTheCapacityProof_AndAWhatIfForALateTeam()
    {
        var page = await demo.SignedInAsync("NAE_MANAGER_KEY", "#/plan");
        await AssertNoErrorAsync(page);

        var capacity = await ApiAsync("NAE_MANAGER_KEY", "/api/v1/stages/stage-2/plan/capacity");
        Assert.Equal(capacity.Decimal("maxEqualShareGpuHours"), await ValueAsync(page, "plan-max-share"));
        var allocations = (await ApiAsync("NAE_MANAGER_KEY", "/api/v1/allocations?stage=stage-2&limit=500")).Items();
        Assert.Equal(allocations.Length, await page.Locator("[data-testid='plan-timeline'] rect").CountAsync());

        await page.FillAsync("#what-if-team", "new-team");
        await page.FillAsync("#what-if-date", "2026-06-01");
        await page.ClickAsync("#what-if button[type=submit]");
        await page.WaitForSelectorAsync("[data-testid='what-if-target']", new PageWaitForSelectorOptions { Timeout = 60_000 });
        using var manager = demo.Service.Client(demo.Keys["NAE_MANAGER_KEY"]);
        var preview = await (await manager.PostJsonAsync("/api/v1/stages/stage-2/plan/preview",
            new { whatIf = new { joins = new[] { new { team = "new-team", joinDate = "2026-06-01", kind = "rechallenge" } } } })).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(preview.Decimal("targetGpuHours"), await ValueAsync(page, "what-if-target"));
        Assert.Equal(preview.GetProperty("capacity").GetProperty("extraLeaseKrw").GetInt64(), await ValueAsync(page, "what-if-extra-krw"));
        await DemoInBrowser.ScreenshotAsync(page, "plan");
    }

    [Fact]
    public async Task Finance_ShowsWasteByMonthAndCause_TheTotals_ClosedMonths_AndDownloadsTheCsv()
    {
        var page = await demo.SignedInAsync("NAE_FINANCE_KEY", "#/finance");
        await AssertNoErrorAsync(page);

        var report = await ApiAsync("NAE_FINANCE_KEY", "/api/v1/reports/waste?groupBy=month,cause");
        var total = report.GetProperty("total");
        Assert.Equal(total.GetProperty("idleKrw").GetInt64(), await ValueAsync(page, "finance-idle-krw"));
        Assert.Equal(total.GetProperty("leasedKrw").GetInt64(), await ValueAsync(page, "finance-leased-krw"));
        var months = await page.Locator("[data-testid='waste-table'] tbody td[data-value]").EvaluateAllAsync<decimal[]>("cells => cells.map(c => Number(c.dataset.value))");
        Assert.Equal(total.GetProperty("idleKrw").GetInt64(), months.Sum());

        // The chart stacks each month's idle won by cause (an adjustment that lowers a closed month has no bar to draw).
        var expectedBars = report.Items("rows").Where(r => r.Text("cause") != "used")
            .GroupBy(r => (r.Text("month"), r.GetProperty("adjustmentFor").ToString(), r.Text("cause")))
            .Select(g => g.Sum(r => r.GetProperty("idleKrw").GetInt64())).Where(v => v > 0).Order().ToArray();
        var bars = await page.Locator("[data-testid='waste-chart'] rect").EvaluateAllAsync<long[]>("rects => rects.map(r => Number(r.dataset.value))");
        Assert.Equal(expectedBars, bars.Order().ToArray());
        var periods = (await ApiAsync("NAE_FINANCE_KEY", "/api/v1/periods?limit=500")).Items();
        Assert.Equal(periods.Length, await page.Locator("[data-testid='periods'] tbody tr").CountAsync());
        await DemoInBrowser.ScreenshotAsync(page, "finance");

        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#csv"));
        var path = await download.PathAsync();
        using var finance = demo.Service.Client(demo.Keys["NAE_FINANCE_KEY"]);
        var expectedCsv = await finance.GetByteArrayAsync("/api/v1/reports/waste?groupBy=month,pool,team,cause&format=csv");
        Assert.Equal(expectedCsv, await File.ReadAllBytesAsync(path!));
        Assert.StartsWith("Month,Pool,", System.Text.Encoding.UTF8.GetString(expectedCsv).TrimStart('\uFEFF'), StringComparison.Ordinal);
        Assert.EndsWith(".csv", download.SuggestedFilename, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Korean_LabelsAndNumbers_FollowTheChosenLanguage()
    {
        var page = await demo.SignedInAsync("NAE_FINANCE_KEY", "#/finance");
        await DemoInBrowser.RenderedAfterAsync(page, () => page.ClickAsync("#language"));
        await AssertNoErrorAsync(page);

        Assert.Equal("ko", await page.GetAttributeAsync("html", "lang"));
        Assert.Equal(["프로그램", "팀", "계획", "재무"], await page.Locator("#nav a:visible").AllTextContentsAsync());
        var idle = await page.TextContentAsync("[data-testid='finance-idle-krw']");
        var expected = (await ValueAsync(page, "finance-idle-krw")).ToString("#,0", CultureInfo.InvariantCulture);
        Assert.Contains(expected, idle, StringComparison.Ordinal); // ₩ with thousands separators
        await DemoInBrowser.ScreenshotAsync(page, "finance-ko");
        await DemoInBrowser.RenderedAfterAsync(page, () => page.ClickAsync("#language"));
        Assert.Equal("en", await page.GetAttributeAsync("html", "lang"));
    }

    [Fact]
    public async Task AProvider_SeesOnlyItsOwnPools()
    {
        var page = await demo.SignedInAsync("NAE_PROVIDER_SKT_KEY");
        await AssertNoErrorAsync(page);

        Assert.Equal(["Programme"], await page.Locator("#nav a:visible").AllTextContentsAsync());
        var own = (await ApiAsync("NAE_PROVIDER_SKT_KEY", "/api/v1/pools?limit=500")).Items().Select(p => p.Text("code")).ToArray();
        Assert.Equal(["skt-haein-b200"], own);
        Assert.Equal(own, await page.Locator("[data-pool]").EvaluateAllAsync<string[]>("pools => pools.map(p => p.dataset.pool)"));
    }

    /// <summary>axe-core (Deque's engine, run in the page) finds no serious or critical problem in any view, in either language: contrast, labels, names, structure.</summary>
    [Theory]
    [InlineData("programme", false)]
    [InlineData("team/lg-ai-research", false)]
    [InlineData("plan", false)]
    [InlineData("finance", false)]
    [InlineData("finance", true)]
    public async Task EveryView_PassesAnAccessibilityAudit(string view, bool korean)
    {
        var page = await demo.SignedInAsync("NAE_MANAGER_KEY", "#/" + view);
        if (korean)
        {
            await DemoInBrowser.RenderedAfterAsync(page, () => page.ClickAsync("#language"));
        }

        await AssertNoErrorAsync(page);
        var audit = await page.RunAxe();
        var problems = audit.Violations.Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Take(3).Select(n => n.Html))}").ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public async Task TheKeyboard_ReachesEveryView_AndABadKeyIsRefusedPlainly()
    {
        var page = await demo.SignedInAsync("NAE_FINANCE_KEY");
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("skip", await page.EvaluateAsync<string>("document.activeElement.className"));
        for (var i = 0; i < 4 && await page.EvaluateAsync<string>("document.activeElement.dataset.view ?? ''") != "finance"; i++)
        {
            await page.Keyboard.PressAsync("Tab");
        }

        Assert.Equal("finance", await page.EvaluateAsync<string>("document.activeElement.dataset.view ?? ''"));
        await DemoInBrowser.RenderedAfterAsync(page, () => page.Keyboard.PressAsync("Enter"));
        Assert.Equal("finance", await page.GetAttributeAsync("#view", "data-view"));

        var stranger = await demo.Browser.NewPageAsync(); // (SignedInAsync above has already skipped without a browser)
        await stranger.GotoAsync(demo.Service.Address.ToString());
        await DemoInBrowser.RenderedAfterAsync(stranger, async () =>
        {
            await stranger.FillAsync("#key", "nae_unknown1234_notakey");
            await stranger.Keyboard.PressAsync("Enter");
        });
        Assert.Equal("That key was not accepted.", await stranger.TextContentAsync("#status"));
        Assert.True(await stranger.IsVisibleAsync("#sign-in"));
    }
}
