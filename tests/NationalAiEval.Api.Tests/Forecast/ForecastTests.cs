using System.Net;
using System.Text.Json;
using NationalAiEval.Api.Tests.Infrastructure;
using NodaTime;

namespace NationalAiEval.Api.Tests.Forecast;

/// <summary>The forecast: unallocated capacity ahead by cause, lease expiries at 30, 14 and 7 days, entitlements at risk, shortfalls.</summary>
public abstract class ForecastTests(DatabaseKind kind) : ApiTest(kind)
{
    /// <summary>
    /// Now is 1 March. Pool p8: 8 B200 for 2026 at 8,000 KRW per GPU-hour. Stage st from 16 January for 200 days: ta from
    /// the start, holding 4 GPUs from 1 March to 1 June; tl, a re-challenge team, joining on 1 April.
    /// </summary>
    private async Task SetUpAsync()
    {
        App.Clock.Reset(Instant.FromUtc(2026, 3, 1, 0, 0));
        await Programme.SmallProgrammeAsync("ta");
        await Programme.TeamAsync("tl");
        await (await Programme.AdmitAsync("st", "tl", joinDate: "2026-04-01", kind: "rechallenge")).ExpectAsync(HttpStatusCode.Created);
        await (await Programme.AllocateAsync("st", "ta", "p8", 4, "2026-03-01T00:00:00Z", "2026-06-01T00:00:00Z")).ExpectAsync(HttpStatusCode.Created);
    }

    private async Task<JsonElement> ForecastAsync(string query = "") =>
        await (await Manager.GetAsync($"/api/v1/forecast{query}")).ExpectAsync(HttpStatusCode.OK);

    private async Task RunForecastJobAsync() => await (await Manager.PostAsync("/api/v1/jobs/forecast/runs", null)).ExpectAsync(HttpStatusCode.OK);

    private async Task<JsonElement[]> LiveFlagsAsync(string kind) =>
        (await (await Manager.GetAsync($"/api/v1/flags?kind={kind}")).ExpectAsync(HttpStatusCode.OK)).Items().Where(f => f.Text("status") != "resolved").ToArray();

    private static (string From, string To, long Gpus, string Cause)[] Segments(JsonElement forecast) =>
        [.. forecast.Items("unallocated").Select(s => (s.Text("from"), s.Text("to"), s.Long("gpus"), s.Text("cause")))];

    [Fact]
    public async Task BeforeTheLateTeamJoins_TheFreeGpusAreTheGap_ThenUnplanned_AndAfterEveryWindowTheLeaseOutlivesThem()
    {
        await SetUpAsync();

        var forecast = await ForecastAsync();

        // Windows in Seoul: tl from 2026-04-01 (2026-03-31T15:00Z); ta to 2026-08-04, tl to 2026-10-18.
        Assert.Equal(
            [
                ("2026-03-01T00:00:00Z", "2026-03-31T15:00:00Z", 4L, "gap-before-late-join"),
                ("2026-03-31T15:00:00Z", "2026-06-01T00:00:00Z", 4L, "unplanned"),
                ("2026-06-01T00:00:00Z", "2026-10-17T15:00:00Z", 8L, "unplanned"),
                ("2026-10-17T15:00:00Z", "2027-01-01T00:00:00Z", 8L, "lease-outlives-windows"),
            ],
            Segments(forecast));
        var gap = Assert.Single(forecast.Items("byCause"), c => c.Text("name") == "gap-before-late-join");
        Assert.Equal((2940m, 23_520_000L), (gap.Decimal("gpuHours"), gap.Long("krw")));
        Assert.Equal(forecast.Items("byCause").Sum(c => c.Long("krw")), forecast.Long("unallocatedKrw"));
    }

    [Fact]
    public async Task AnElimination_FreesTheGpusTheTeamHeld_UntilItsWindowWouldHaveClosed()
    {
        await SetUpAsync();
        await (await Manager.PostJsonAsync("/api/v1/stages/st/participations/ta/elimination", new { effectiveAt = "2026-03-10T00:00:00Z" }))
            .ExpectAsync(HttpStatusCode.OK);

        var forecast = await ForecastAsync("?asOf=2026-03-10T00:00:00Z&until=2026-04-30T00:00:00Z");

        Assert.Equal(
            [
                ("2026-03-10T00:00:00Z", "2026-04-30T00:00:00Z", 4L, "freed-by-elimination"),
                ("2026-03-10T00:00:00Z", "2026-03-31T15:00:00Z", 4L, "gap-before-late-join"),
                ("2026-03-31T15:00:00Z", "2026-04-30T00:00:00Z", 4L, "unplanned"),
            ],
            Segments(forecast).OrderBy(s => s.Cause != "freed-by-elimination").ThenBy(s => s.From, StringComparer.Ordinal));
    }

    [Fact]
    public async Task ALeaseLineEnding_IsWarnedAt30_14And7Days_EachWarningAFlagOfItsOwn()
    {
        await SetUpAsync();
        await Programme.LeaseAsync("p8", 4, "2026-02-01T00:00:00Z", "2026-03-20T00:00:00Z");

        await RunForecastJobAsync();
        var thirty = Assert.Single(await LiveFlagsAsync("lease-expiry"));
        App.Clock.Reset(Instant.FromUtc(2026, 3, 8, 0, 0));
        await RunForecastJobAsync();
        var fourteen = Assert.Single(await LiveFlagsAsync("lease-expiry"));
        App.Clock.Reset(Instant.FromUtc(2026, 3, 14, 0, 0));
        await RunForecastJobAsync();
        var seven = Assert.Single(await LiveFlagsAsync("lease-expiry"));
        App.Clock.Reset(Instant.FromUtc(2026, 3, 21, 0, 0));
        await RunForecastJobAsync();

        Assert.Equal((4L, "gpus"), (thirty.Long("amount"), thirty.Text("unit")));
        Assert.Contains("in 19 day(s)", thirty.Text("detail"), StringComparison.Ordinal);
        Assert.Equal(3, new[] { thirty.Long("id"), fourteen.Long("id"), seven.Long("id") }.Distinct().Count());
        Assert.Contains("from 12 to 8 GPUs", seven.Text("detail"), StringComparison.Ordinal);
        Assert.Empty(await LiveFlagsAsync("lease-expiry"));
        var expiry = Assert.Single((await ForecastAsync("?asOf=2026-03-08T00:00:00Z")).Items("leaseExpiries"));
        Assert.Equal((12, 14, 12L, 8L), (expiry.GetProperty("daysLeft").GetInt32(), expiry.GetProperty("within").GetInt32(), expiry.Long("gpusBefore"), expiry.Long("gpusAfter")));
    }

    [Fact]
    public async Task TheDailyJob_FlagsUnplannedCapacity_EntitlementsAtRisk_AndAShortfall_OnceEach()
    {
        await SetUpAsync();

        await RunForecastJobAsync();
        await RunForecastJobAsync();

        var pool = Assert.Single(await LiveFlagsAsync("forecast-unallocated"));
        Assert.Equal(("p8", 2880m, 23_040_000L), (pool.Text("pool"), pool.Decimal("hours"), pool.Long("krw")));
        Assert.Equal(["ta", "tl"], (await LiveFlagsAsync("entitlement-at-risk")).Select(f => f.Text("team")).Order(StringComparer.Ordinal));
        var shortfall = Assert.Single(await LiveFlagsAsync("lease-shortfall"));
        Assert.True(shortfall.Long("krw") > 0);
        var forecast = await ForecastAsync();
        Assert.Equal("st", Assert.Single(forecast.Items("leaseShortfalls")).Text("stage"));
        Assert.Contains(forecast.Items("entitlementsAtRisk"), r => r.Text("team") == "tl" && r.Text("status") == "atRiskOfUnused");
    }

    [Fact]
    public async Task TheForecast_IsForManagersAndFinance_AndNamesABadParameter()
    {
        await SetUpAsync();

        Assert.Equal(HttpStatusCode.Forbidden, (await (await App.ClientAsync("team", "ta")).GetAsync("/api/v1/forecast")).StatusCode);
        await (await (await App.ClientAsync("finance")).GetAsync("/api/v1/forecast")).ExpectAsync(HttpStatusCode.OK);
        await (await Manager.GetAsync("/api/v1/forecast?asOf=soon")).ExpectProblemAsync(HttpStatusCode.BadRequest, "asOf");
        await (await Manager.GetAsync("/api/v1/forecast?until=2026-01-01T00:00:00Z")).ExpectProblemAsync(HttpStatusCode.BadRequest, "until");
        await (await Manager.PostAsync("/api/v1/jobs/nothing/runs", null)).ExpectProblemAsync(HttpStatusCode.NotFound);
    }
}

public sealed class ForecastOnSqlite() : ForecastTests(DatabaseKind.Sqlite);

public sealed class ForecastOnSqlServer() : ForecastTests(DatabaseKind.SqlServer);
