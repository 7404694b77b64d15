using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CsvHelper;
using NationalAiEval.Api.Tests.Infrastructure;
using NodaTime;

namespace NationalAiEval.Api.Tests.Reports;

/// <summary>The waste report (JSON and CSV) and closed periods: a closed month never changes; what arrives late is an adjustment.</summary>
public abstract class WasteReportTests(DatabaseKind kind) : ApiTest(kind)
{
    /// <summary>
    /// Pool p8 of 네이버클라우드: 8 B200 from 2026-01-01T00:00Z at 8,000 KRW per GPU-hour. Team ta (LG AI연구원) holds 4 GPUs on
    /// 20 January (UTC) and ran 2 of them from 00:00 to 10:00. Now is 5 March.
    /// </summary>
    private async Task SetUpAsync()
    {
        App.Clock.Reset(Instant.FromUtc(2026, 3, 5, 0, 0));
        await Programme.PoolAsync("p8", provider: "네이버클라우드");
        await Programme.StageAsync("st");
        await (await Manager.PostJsonAsync("/api/v1/teams", new { code = "ta", name = "LG AI연구원" })).ExpectAsync(HttpStatusCode.Created);
        await (await Programme.AdmitAsync("st", "ta")).ExpectAsync(HttpStatusCode.Created);
        await (await Manager.PutJsonAsync("/api/v1/pools/p8/accounts/acct-a", new { team = "ta" })).ExpectAsync(HttpStatusCode.Created);
        await (await Programme.AllocateAsync("st", "ta", "p8", 4, "2026-01-20T00:00:00Z", "2026-01-21T00:00:00Z")).ExpectAsync(HttpStatusCode.Created);
        await UseAsync("j1", "2026-01-20T00:00:00Z", "2026-01-20T10:00:00Z", 2);
    }

    private async Task UseAsync(string job, string start, string end, long gpus)
    {
        await (await Manager.PostRecordsAsync("p8", UsageReports.Job(job, "acct-a", start, end, gpus))).ExpectAsync(HttpStatusCode.OK);
        await Manager.ReconcileAsync();
        await (await Manager.PostAsync("/api/v1/jobs/detect-idle/runs", null)).ExpectAsync(HttpStatusCode.OK);
    }

    private async Task<JsonElement> ReportAsync(string query, HttpClient? client = null) =>
        await (await (client ?? Manager).GetAsync($"/api/v1/reports/waste?{query}")).ExpectAsync(HttpStatusCode.OK);

    private async Task<byte[]> BytesAsync(string query, string accept)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/reports/waste?{query}");
        request.Headers.Accept.Add(MediaTypeWithQualityHeaderValue.Parse(accept));
        var response = await Manager.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsByteArrayAsync();
    }

    private async Task<JsonElement> CloseAsync(string month, HttpClient? client = null) =>
        await (await (client ?? Manager).PostAsync($"/api/v1/periods/{month}/close", null)).ExpectAsync(HttpStatusCode.OK);

    [Fact]
    public async Task January_SplitsIntoUsedAllocatedUnusedAndUnallocated_InGpuHoursAndWon()
    {
        await SetUpAsync();

        var report = await ReportAsync("from=2026-01&to=2026-01&groupBy=pool");

        // January in Seoul ends at 2026-01-31T15:00Z: 735 hours of 8 GPUs from 1 January 00:00Z.
        var row = Assert.Single(report.Items("rows"));
        Assert.Equal(("p8", "네이버클라우드", "B200"), (row.Text("pool"), row.Text("provider"), row.Text("gpuModel")));
        Assert.Equal((5880m, 96m, 20m, 76m, 5784m, 5860m),
            (row.Decimal("leasedGpuHours"), row.Decimal("allocatedGpuHours"), row.Decimal("usedGpuHours"), row.Decimal("idleAllocatedUnusedGpuHours"),
                row.Decimal("idleUnallocatedGpuHours"), row.Decimal("idleGpuHours")));
        Assert.Equal((47_040_000L, 160_000L, 608_000L, 46_272_000L, 46_880_000L),
            (row.Long("leasedKrw"), row.Long("usedKrw"), row.Long("idleAllocatedUnusedKrw"), row.Long("idleUnallocatedKrw"), row.Long("idleKrw")));
        Assert.Equal(0.34m, row.Decimal("utilisationPercent"));
        var total = report.GetProperty("total");
        Assert.Equal((row.Decimal("leasedGpuHours"), row.Long("idleKrw")), (total.Decimal("leasedGpuHours"), total.Long("idleKrw")));
        Assert.Equal("open", Assert.Single(report.Items("months")).Text("status"));
    }

    [Fact]
    public async Task ByTeamAndCause_TheRowsAddUpToThePool_WithTheRestUnderNoTeam()
    {
        await SetUpAsync();

        var byTeam = (await ReportAsync("from=2026-01&to=2026-01&groupBy=team")).Items("rows");
        var byCause = (await ReportAsync("from=2026-01&to=2026-01&groupBy=cause")).Items("rows");

        Assert.Equal([("ta", "LG AI연구원", 96m, 20m, 76m), (null, "(no team)", 5784m, 0m, 0m)],
            byTeam.Select(r => (r.GetProperty("team").GetString(), r.Text("teamName"), r.Decimal("leasedGpuHours"), r.Decimal("usedGpuHours"),
                r.Decimal("idleAllocatedUnusedGpuHours"))));
        Assert.Equal([("used", 20m, 160_000L), ("idle-allocated-unused", 76m, 608_000L), ("idle-unallocated", 5784m, 46_272_000L)],
            byCause.Select(r => (r.Text("cause"), r.Decimal("leasedGpuHours"), r.Long("leasedKrw"))));
    }

    /// <summary>A team that reports more than the pool leased sees its overuse on its own row (with its cause), not on the pool's "(no team)" row.</summary>
    [Fact]
    public async Task ATeamsUsageBeyondTheLease_IsOnThatTeamsRow()
    {
        await SetUpAsync();
        await UseAsync("over-1", "2026-01-22T00:00:00Z", "2026-01-22T01:00:00Z", 8);
        await UseAsync("over-2", "2026-01-22T00:00:00Z", "2026-01-22T01:00:00Z", 8);

        var rows = (await ReportAsync("from=2026-01&to=2026-01&groupBy=team,cause")).Items("rows");

        var overuse = rows.Where(r => r.Decimal("excessGpuHours") != 0).ToList();
        Assert.Equal(("ta", "used", 8m), (Assert.Single(overuse).Text("team"), overuse[0].Text("cause"), overuse[0].Decimal("excessGpuHours")));
    }

    [Fact]
    public async Task AClosedMonth_StaysByteIdentical_AndLateUsageIsAnAdjustmentInTheFirstOpenMonth()
    {
        await SetUpAsync();
        var finance = await App.ClientAsync("finance");
        var closed = await CloseAsync("2026-01", finance);
        var json = await BytesAsync("from=2026-01&to=2026-01&groupBy=team,cause", "application/json");
        var csv = await BytesAsync("from=2026-01&to=2026-01&groupBy=team,cause", "text/csv");

        await UseAsync("late", "2026-01-25T00:00:00Z", "2026-01-25T03:00:00Z", 1);

        Assert.Equal(json, await BytesAsync("from=2026-01&to=2026-01&groupBy=team,cause", "application/json"));
        Assert.Equal(csv, await BytesAsync("from=2026-01&to=2026-01&groupBy=team,cause", "text/csv"));
        Assert.Equal(("2026-01", 0), (closed.Text("period"), closed.GetProperty("adjustmentsFor").GetArrayLength()));
        var february = await ReportAsync("from=2026-02&to=2026-02&groupBy=pool");
        var adjustment = Assert.Single(february.Items("rows"), r => r.GetProperty("adjustmentFor").GetString() == "2026-01");
        Assert.Equal((0m, 3m, -3m, 24_000L, -24_000L),
            (adjustment.Decimal("leasedGpuHours"), adjustment.Decimal("usedGpuHours"), adjustment.Decimal("idleUnallocatedGpuHours"),
                adjustment.Long("usedKrw"), adjustment.Long("idleUnallocatedKrw")));
    }

    /// <summary>
    /// api-docs/DEFINITIONS.md#lease-pricing: after a pricing change (here a lease price corrected from 8,000 to 9,000 KRW
    /// behind the API), nothing moves until reprice-idle runs; then open months are priced anew, and the closed month
    /// stays as it was frozen while the difference is its adjustment in the first open month.
    /// </summary>
    [Fact]
    public async Task RepriceIdle_AfterAPriceCorrection_ReachesOpenMonths_AndClosedOnesOnlyAsAdjustments()
    {
        await SetUpAsync();
        await CloseAsync("2026-01");
        var january = await BytesAsync("from=2026-01&to=2026-01&groupBy=team,cause", "application/json");
        await App.WriteBehindTheApiAsync("UPDATE lease_line SET krw_per_gpu_hour = 9000");

        var untouched = Assert.Single((await ReportAsync("from=2026-02&to=2026-02&groupBy=pool")).Items("rows"));
        await (await Manager.PostAsync("/api/v1/jobs/reprice-idle/runs", null)).ExpectAsync(HttpStatusCode.OK);

        // February in Seoul: 672 hours of 8 GPUs, all unallocated.
        Assert.Equal(672L * 8 * 8_000, untouched.Long("leasedKrw"));
        var rows = (await ReportAsync("from=2026-02&to=2026-02&groupBy=pool")).Items("rows");
        Assert.Equal(672L * 8 * 9_000, Assert.Single(rows, r => r.GetProperty("adjustmentFor").ValueKind == JsonValueKind.Null).Long("leasedKrw"));
        var adjustment = Assert.Single(rows, r => r.GetProperty("adjustmentFor").GetString() == "2026-01");
        Assert.Equal((0m, 0m, 735L * 8 * 1_000, 20L * 1_000),
            (adjustment.Decimal("leasedGpuHours"), adjustment.Decimal("usedGpuHours"), adjustment.Long("leasedKrw"), adjustment.Long("usedKrw")));
        Assert.Equal(january, await BytesAsync("from=2026-01&to=2026-01&groupBy=team,cause", "application/json"));
    }

    [Fact]
    public async Task ClosingTheNextMonth_FreezesItsAdjustments_AndLaterOnesGoToTheMonthAfter()
    {
        await SetUpAsync();
        await CloseAsync("2026-01");
        await UseAsync("late", "2026-01-25T00:00:00Z", "2026-01-25T03:00:00Z", 1);

        var february = await CloseAsync("2026-02");
        var frozen = await BytesAsync("from=2026-02&to=2026-02", "application/json");
        await UseAsync("later", "2026-01-26T00:00:00Z", "2026-01-26T01:00:00Z", 2);

        Assert.Equal(["2026-01"], february.GetProperty("adjustmentsFor").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(frozen, await BytesAsync("from=2026-02&to=2026-02", "application/json"));
        var march = (await ReportAsync("from=2026-03&to=2026-03")).Items("rows");
        Assert.Equal(2m, Assert.Single(march, r => r.GetProperty("adjustmentFor").GetString() == "2026-01").Decimal("usedGpuHours"));
        var periods = (await (await Manager.GetAsync("/api/v1/periods")).ExpectAsync(HttpStatusCode.OK)).Items();
        Assert.Equal(["2026-01", "2026-02"], periods.Select(p => p.Text("period")));
        Assert.StartsWith("test manager", periods[0].Text("closedBy"), StringComparison.Ordinal);
        // January's late usage was carried (and frozen) by February: both months say so.
        Assert.Equal(["2026-02"], periods[0].Items("adjustedIn").Select(e => e.GetString()));
        Assert.Equal(["2026-01"], periods[1].Items("adjustmentsFor").Select(e => e.GetString()));
        Assert.Empty(periods[1].Items("adjustedIn"));

        // Across the three months, every GPU-hour is reported exactly once: the report of the whole range says so.
        var all = (await ReportAsync("from=2026-01&to=2026-03")).GetProperty("total");
        var live = await App.QueryAsync<long>("SELECT SUM(used_gs) FROM idle_fact");
        Assert.Equal(live.Single() / 3600m, all.Decimal("usedGpuHours"));
    }

    [Fact]
    public async Task Closing_IsForFinanceOrManagers_OncePerMonth_InOrder_AfterTheMonthEnds()
    {
        await SetUpAsync();

        await (await Manager.PostAsync("/api/v1/periods/2026-03/close", null)).ExpectProblemAsync(HttpStatusCode.Conflict);
        await (await Manager.PostAsync("/api/v1/periods/2026-02/close", null)).ExpectProblemAsync(HttpStatusCode.Conflict);
        await (await Manager.PostAsync("/api/v1/periods/2026-13/close", null)).ExpectProblemAsync(HttpStatusCode.BadRequest, "period");
        Assert.Equal(HttpStatusCode.Forbidden, (await (await App.ClientAsync("team", "ta")).PostAsync("/api/v1/periods/2026-01/close", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await App.ClientAsync("provider", null, "p8")).GetAsync("/api/v1/reports/waste")).StatusCode);
        await CloseAsync("2026-01");
        var again = await (await Manager.PostAsync("/api/v1/periods/2026-01/close", null)).ExpectProblemAsync(HttpStatusCode.Conflict);

        Assert.EndsWith("period-closed", again.Text("type"), StringComparison.Ordinal);
        Assert.Single(await App.QueryAsync<string>("SELECT period FROM closed_period"));
        Assert.Single(await App.QueryAsync<string>("SELECT action FROM audit_entry WHERE action = 'period.close'"));
    }

    /// <summary>Whatever the grouping, every label a JSON row carries (a pool's provider and GPU model too) is a CSV column with the same values.</summary>
    [Theory]
    [InlineData("pool")]
    [InlineData("provider")]
    [InlineData("month,pool,team,cause")]
    public async Task TheCsv_HasEveryLabelTheJsonRowsHave(string groupBy)
    {
        await SetUpAsync();
        var columns = new Dictionary<string, string>
        {
            ["month"] = "Month",
            ["pool"] = "Pool",
            ["provider"] = "Provider",
            ["gpuModel"] = "GPU model",
            ["team"] = "Team",
            ["teamName"] = "Team name",
            ["cause"] = "Cause",
        };

        var rows = (await ReportAsync($"from=2026-01&to=2026-02&groupBy={groupBy}")).Items("rows");
        using var reader = CsvReader.Create(await BytesAsync($"from=2026-01&to=2026-02&groupBy={groupBy}", "text/csv"));
        var lines = new List<Dictionary<string, string>>();
        while (reader.Read())
        {
            lines.Add(reader.Headers.Select((h, i) => (h, i)).ToDictionary(x => x.h, x => reader[x.i].ToString() ?? string.Empty));
        }

        var labelled = columns.Where(c => rows.Any(r => r.GetProperty(c.Key).ValueKind != JsonValueKind.Null)).ToList();
        Assert.Contains(labelled, c => c.Key == "provider");
        foreach (var (property, header) in labelled)
        {
            Assert.Equal(rows.Select(r => r.GetProperty(property).GetString() ?? string.Empty), lines.SkipLast(1).Select(l => l[header]));
        }
    }

    [Fact]
    public async Task TheCsv_OpensWithKoreanNames_AndTheSameTotalsAsTheJson()
    {
        await SetUpAsync();

        var bytes = await BytesAsync("from=2026-01&to=2026-02&groupBy=month,team", "text/csv");
        var json = await ReportAsync("from=2026-01&to=2026-02&groupBy=month,team");

        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]);
        using var reader = CsvReader.Create(bytes);
        var rows = new List<string[]>();
        while (reader.Read())
        {
            rows.Add([.. Enumerable.Range(0, reader.FieldCount).Select(i => reader[i].ToString() ?? string.Empty)]);
        }

        var header = reader.Headers.ToList();
        Assert.Equal(["Month", "Team", "Team name", "Adjustment for", "Leased GPU-hours"], header.Take(5));
        Assert.Contains(rows, r => r[2] == "LG AI연구원");
        var total = rows[^1];
        Assert.Equal("Total", total[0]);
        Assert.Equal(json.Items("rows").Length + 1, rows.Count);
        foreach (var (column, property) in new[] { ("Leased KRW", "leasedKrw"), ("Idle KRW", "idleKrw"), ("Used GPU-hours", "usedGpuHours"), ("Leased GPU-hours", "leasedGpuHours") })
        {
            Assert.Equal(json.GetProperty("total").Decimal(property), decimal.Parse(total[header.IndexOf(column)], System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public async Task ANameThatASpreadsheetWouldRun_IsEscapedInTheCsv()
    {
        await SetUpAsync();
        await (await Manager.PostJsonAsync("/api/v1/teams", new { code = "tx", name = "=HYPERLINK(\"http://evil\")" })).ExpectAsync(HttpStatusCode.Created);
        await (await Programme.AdmitAsync("st", "tx")).ExpectAsync(HttpStatusCode.Created);
        await (await Programme.AllocateAsync("st", "tx", "p8", 1, "2026-02-02T00:00:00Z", "2026-02-03T00:00:00Z")).ExpectAsync(HttpStatusCode.Created);
        await (await Manager.PostAsync("/api/v1/jobs/detect-idle/runs", null)).ExpectAsync(HttpStatusCode.OK);

        var text = Encoding.UTF8.GetString(await BytesAsync("from=2026-02&to=2026-02&groupBy=team&format=csv", "application/json"));

        Assert.Contains("'=HYPERLINK", text, StringComparison.Ordinal);
        Assert.DoesNotContain(",=HYPERLINK", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheFormat_FollowsAcceptOrTheFormatParameter()
    {
        await SetUpAsync();

        async Task<string?> TypeAsync(string accept, string query = "")
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/reports/waste?from=2026-01&to=2026-01{query}");
            request.Headers.TryAddWithoutValidation("Accept", accept);
            var response = await Manager.SendAsync(request);
            return response.Content.Headers.ContentType?.MediaType;
        }

        Assert.Equal("text/csv", await TypeAsync("text/csv"));
        Assert.Equal("application/json", await TypeAsync("application/json, text/csv;q=0.5"));
        Assert.Equal("text/csv", await TypeAsync("text/csv, application/json"));
        Assert.Equal("application/json", await TypeAsync("*/*"));
        Assert.Equal("text/csv", await TypeAsync("application/json", "&format=csv"));
    }

    [Theory]
    [InlineData("from=2026-1", "from")]
    [InlineData("to=26-01", "to")]
    [InlineData("from=2026-03&to=2026-01", "to")]
    [InlineData("groupBy=colour", "groupBy")]
    [InlineData("groupBy=pool,pool", "groupBy")]
    [InlineData("format=xml", "format")]
    public async Task BadParameters_AreRefused_NamingTheField(string query, string field)
    {
        await SetUpAsync();

        await (await Manager.GetAsync($"/api/v1/reports/waste?{query}")).ExpectProblemAsync(HttpStatusCode.BadRequest, field);
    }
}

public sealed class WasteReportOnSqlite() : WasteReportTests(DatabaseKind.Sqlite);

public sealed class WasteReportOnSqlServer() : WasteReportTests(DatabaseKind.SqlServer);
