using System.Net;
using System.Text.Json;
using NationalAiEval.Api.Tests.Infrastructure;
using NodaTime;

namespace NationalAiEval.Api.Tests.Idle;

/// <summary>detect-idle: hourly facts, idle flags that open, update, resolve and never duplicate; DCGM utilisation; the series.</summary>
public abstract class IdleTests(DatabaseKind kind) : ApiTest(kind)
{
    private static readonly Instant Now = Instant.FromUtc(2026, 3, 2, 0, 0);

    /// <summary>
    /// Pool p8 (8 B200 at 8,000 KRW per GPU-hour for 2026); teams ta and tb with accounts acct-a and acct-b; ta holds 4 GPUs
    /// on 1 March and ran 2 GPUs from 10:00 to 20:00 that day.
    /// </summary>
    private async Task SetUpAsync()
    {
        App.Clock.Reset(Now);
        await Programme.SmallProgrammeAsync("ta", "tb");
        foreach (var (account, team) in new[] { ("acct-a", "ta"), ("acct-b", "tb") })
        {
            await (await Manager.PutJsonAsync($"/api/v1/pools/p8/accounts/{account}", new { team })).ExpectAsync(HttpStatusCode.Created);
        }

        await (await Programme.AllocateAsync("st", "ta", "p8", 4, "2026-03-01T00:00:00Z", "2026-03-02T00:00:00Z")).ExpectAsync(HttpStatusCode.Created);
        await (await Manager.PostRecordsAsync("p8", UsageReports.Job("4312", "acct-a", "2026-03-01T10:00:00Z", "2026-03-01T20:00:00Z", 2)))
            .ExpectAsync(HttpStatusCode.OK);
        await Manager.ReconcileAsync();
    }

    private async Task<JsonElement> DetectIdleAsync() =>
        await (await Manager.PostAsync("/api/v1/jobs/detect-idle/runs", null)).ExpectAsync(HttpStatusCode.OK);

    private async Task<JsonElement[]> LiveFlagsAsync(string kind) =>
        (await (await Manager.GetAsync($"/api/v1/flags?kind={kind}")).ExpectAsync(HttpStatusCode.OK)).Items()
            .Where(f => f.Text("status") != "resolved").ToArray();

    private async Task<JsonElement> DayAsync(string day) =>
        (await (await Manager.GetAsync($"/api/v1/pools/p8/utilisation?from={day}T00:00:00Z&to={day}T23:59:59Z&granularity=day"))
            .ExpectAsync(HttpStatusCode.OK)).GetProperty("total");

    [Fact]
    public async Task ADay_IsSplitIntoUsedAllocatedUnusedAndUnallocated_ThatAddUpToLeased()
    {
        await SetUpAsync();

        await DetectIdleAsync();

        var day = await DayAsync("2026-03-01");
        Assert.Equal(
            (192m, 96m, 20m, 76m, 96m, 10.42m),
            (day.Decimal("leasedGpuHours"), day.Decimal("allocatedGpuHours"), day.Decimal("usedGpuHours"), day.Decimal("idleAllocatedUnusedGpuHours"),
                day.Decimal("idleUnallocatedGpuHours"), day.Decimal("utilisationPercent")));
        var hours = await App.QueryAsync<long>("SELECT COUNT(*) FROM idle_fact WHERE leased_gs <> used_gs + allocated_unused_gs + unallocated_gs");
        Assert.Equal(0, hours.Single());
    }

    [Fact]
    public async Task DayRollups_EqualTheSumOfTheirHours_AlsoAfterLateUsageRecomputesPastHours()
    {
        await SetUpAsync();
        await DetectIdleAsync();

        // A late job for 1 March, after its hours were computed: the marks make detect-idle recompute them and their day.
        await (await Manager.PostRecordsAsync("p8", UsageReports.Job("4313", "acct-b", "2026-03-01T13:30:00Z", "2026-03-01T16:00:00Z", 3)))
            .ExpectAsync(HttpStatusCode.OK);
        await Manager.ReconcileAsync();
        await DetectIdleAsync();

        const string PoolMismatches = """
            SELECT COUNT(*) FROM (
                SELECT pool_id, hour_unix - (hour_unix % 86400) AS day_unix, SUM(leased_gs) AS leased, SUM(used_gs) AS used,
                       SUM(unallocated_meg) AS unallocated_meg, SUM(allocated_unused_num) AS allocated_unused_num
                FROM idle_fact GROUP BY pool_id, hour_unix - (hour_unix % 86400)) h
            FULL OUTER JOIN idle_day_fact d ON d.pool_id = h.pool_id AND d.day_unix = h.day_unix
            WHERE h.pool_id IS NULL OR d.pool_id IS NULL OR h.leased <> d.leased_gs OR h.used <> d.used_gs
               OR h.unallocated_meg <> d.unallocated_meg OR h.allocated_unused_num <> d.allocated_unused_num
            """;
        const string TeamMismatches = """
            SELECT COUNT(*) FROM (
                SELECT pool_id, team_id, hour_unix - (hour_unix % 86400) AS day_unix, SUM(used_gs) AS used, SUM(allocated_unused_meg) AS unused_meg
                FROM idle_team_fact GROUP BY pool_id, team_id, hour_unix - (hour_unix % 86400)) h
            FULL OUTER JOIN idle_team_day_fact d ON d.pool_id = h.pool_id AND d.team_id = h.team_id AND d.day_unix = h.day_unix
            WHERE h.pool_id IS NULL OR d.pool_id IS NULL OR h.used <> d.used_gs OR h.unused_meg <> d.allocated_unused_meg
            """;
        Assert.Equal(0, (await App.QueryAsync<long>(PoolMismatches)).Single());
        Assert.Equal(0, (await App.QueryAsync<long>(TeamMismatches)).Single());
        var march1 = await App.QueryAsync<long>("SELECT used_gs FROM idle_day_fact WHERE day_unix = 1772323200");
        Assert.Equal((2 * 10 * 3600) + (3 * 9000), march1.Single());
    }

    [Fact]
    public async Task AnIdlePool_AndATeamLeavingItsAllocationUnused_AreFlagged_WithGpuHoursAndWon_Once()
    {
        await SetUpAsync();

        await DetectIdleAsync();
        await DetectIdleAsync();

        var pool = Assert.Single(await LiveFlagsAsync("idle-capacity"));
        Assert.Equal(("p8", 1324m, 10_592_000L), (pool.Text("pool"), pool.Decimal("hours"), pool.Long("krw")));
        Assert.Equal(("2026-02-23T00:00:00Z", "2026-03-02T00:00:00Z"), (pool.Text("periodStart"), pool.Text("periodEnd")));
        var team = Assert.Single(await LiveFlagsAsync("allocated-unused"));
        Assert.Equal(("ta", 76m, 608_000L), (team.Text("team"), team.Decimal("hours"), team.Long("krw")));
    }

    [Fact]
    public async Task WhenThePoolIsFullyUsed_TheIdleFlagsResolveThemselves_AndOverReportingIsFlagged()
    {
        await SetUpAsync();
        await DetectIdleAsync();

        await (await Manager.PostRecordsAsync("p8", UsageReports.Job("full", "acct-a", "2026-02-23T00:00:00Z", "2026-03-02T00:00:00Z", 8)))
            .ExpectAsync(HttpStatusCode.OK);
        await Manager.ReconcileAsync();
        var summary = await DetectIdleAsync();

        Assert.Empty(await LiveFlagsAsync("idle-capacity"));
        Assert.Empty(await LiveFlagsAsync("allocated-unused"));
        Assert.Equal(2, summary.Long("flagsResolved"));
        var excess = Assert.Single(await LiveFlagsAsync("usage-exceeds-capacity"));
        Assert.Equal(20m, excess.Decimal("hours"));
        var day = await DayAsync("2026-03-01");
        Assert.Equal((192m, 192m, 0m, 0m, 20m), (day.Decimal("leasedGpuHours"), day.Decimal("usedGpuHours"), day.Decimal("idleUnallocatedGpuHours"),
            day.Decimal("idleAllocatedUnusedGpuHours"), day.Decimal("excessGpuHours")));
    }

    /// <summary>Usage beyond the lease on a day long before the rolling window is flagged for that day when it arrives, and the flag resolves once the wrong report is voided.</summary>
    [Fact]
    public async Task ExcessUsageOnAnOldDay_OpensItsFlagWhenItArrives_AndResolvesWhenTheReportIsVoided()
    {
        await SetUpAsync();
        await DetectIdleAsync();

        // Two reports of eight GPUs each for the same hour on an eight-GPU pool: one of them is wrong.
        foreach (var job in new[] { "first", "double" })
        {
            await (await Manager.PostRecordsAsync("p8", UsageReports.Job(job, "acct-b", "2026-02-01T10:00:00Z", "2026-02-01T11:00:00Z", 8)))
                .ExpectAsync(HttpStatusCode.OK);
        }

        await Manager.ReconcileAsync();
        await DetectIdleAsync();

        var flag = Assert.Single(await LiveFlagsAsync("usage-exceeds-capacity"));
        Assert.Equal((8m, "2026-02-01T00:00:00Z"), (flag.Decimal("hours"), flag.Text("periodStart")));
        var id = Assert.Single((await (await Manager.GetAsync("/api/v1/pools/p8/usage/records?externalId=double")).ExpectAsync(HttpStatusCode.OK)).Items()).Long("id");
        await (await Manager.PostJsonAsync($"/api/v1/pools/p8/usage/records/{id}/void", new { reason = "sent twice by the exporter" })).ExpectAsync(HttpStatusCode.OK);
        await Manager.ReconcileAsync();
        await DetectIdleAsync();
        Assert.Empty(await LiveFlagsAsync("usage-exceeds-capacity"));
    }

    [Fact]
    public async Task UsageArrivingForAnHourAlreadyComputed_IsCountedAtTheNextRun()
    {
        await SetUpAsync();
        await DetectIdleAsync();
        Assert.Equal(0m, (await DayAsync("2026-01-20")).Decimal("usedGpuHours"));

        await (await Manager.PostRecordsAsync("p8", UsageReports.Job("late", "acct-b", "2026-01-20T03:00:00Z", "2026-01-20T05:00:00Z", 3)))
            .ExpectAsync(HttpStatusCode.OK);
        await Manager.ReconcileAsync();
        await DetectIdleAsync();

        var day = await DayAsync("2026-01-20");
        Assert.Equal((6m, 186m), (day.Decimal("usedGpuHours"), day.Decimal("idleUnallocatedGpuHours")));
        Assert.Empty(await App.QueryAsync<long>("SELECT id FROM idle_dirty"));
    }

    /// <summary>
    /// Every way an allocation changes goes through one writer: after detect-idle ran, an allocation created for past
    /// hours and a cut by an elimination both move the idle facts of those hours at the next run, and every change
    /// (create, shorten, delete, by a manager, a plan or an end) is audited in one shape: the allocation and its cause.
    /// </summary>
    [Fact]
    public async Task AllocationChangesAfterDetectIdle_MoveTheIdleFacts_AndAreAuditedInOneShape()
    {
        await SetUpAsync();
        await DetectIdleAsync();
        Assert.Equal(96m, (await DayAsync("2026-03-01")).Decimal("allocatedGpuHours"));

        await (await Programme.AllocateAsync("st", "tb", "p8", 2, "2026-03-01T00:00:00Z", "2026-03-02T00:00:00Z")).ExpectAsync(HttpStatusCode.Created);
        await DetectIdleAsync();
        Assert.Equal(96m + 48m, (await DayAsync("2026-03-01")).Decimal("allocatedGpuHours"));

        await (await Manager.PostJsonAsync("/api/v1/stages/st/participations/ta/elimination", new { effectiveAt = "2026-03-01T12:00:00Z" }))
            .ExpectAsync(HttpStatusCode.OK);
        await DetectIdleAsync();
        Assert.Equal(48m + 48m, (await DayAsync("2026-03-01")).Decimal("allocatedGpuHours"));

        var future = await (await Programme.AllocateAsync("st", "tb", "p8", 1, "2026-03-03T00:00:00Z", "2026-03-04T00:00:00Z")).ExpectAsync(HttpStatusCode.Created);
        await (await Manager.DeleteAsync($"/api/v1/allocations/{future.Long("id")}")).ExpectAsync(HttpStatusCode.NoContent);

        var changes = (await (await Manager.GetAsync("/api/v1/audit?entity=allocation")).ExpectAsync(HttpStatusCode.OK)).Items();
        Assert.Equal(["allocation.create", "allocation.create", "allocation.shorten", "allocation.create", "allocation.delete"], changes.Select(c => c.Text("action")));
        var shapes = changes.SelectMany(c => new[] { c.GetProperty("before"), c.GetProperty("after") }).Where(e => e.ValueKind != JsonValueKind.Null).ToList();
        Assert.All(shapes, e => Assert.Equal(["allocation", "cause"], e.EnumerateObject().Select(p => p.Name)));
        Assert.Equal("elimination of participation", string.Join(' ', changes[2].GetProperty("after").Text("cause").Split(' ').Take(3)));
        Assert.Equal("2026-03-01T12:00:00Z", changes[2].GetProperty("after").GetProperty("allocation").Text("end"));
    }

    [Fact]
    public async Task ALeaseAddedForThePast_ChangesTheFactsOfThoseHours()
    {
        await SetUpAsync();
        await DetectIdleAsync();

        await Programme.LeaseAsync("p8", 8, "2026-02-01T00:00:00Z", "2026-02-02T00:00:00Z", krwPerGpuHour: 9000);
        await DetectIdleAsync();

        Assert.Equal(384m, (await DayAsync("2026-02-01")).Decimal("leasedGpuHours"));
    }

    private const string Scrape = """
        # HELP DCGM_FI_DEV_GPU_UTIL GPU utilization (in %).
        # TYPE DCGM_FI_DEV_GPU_UTIL gauge
        DCGM_FI_DEV_GPU_UTIL{gpu="0",UUID="GPU-0",Hostname="node-1",hpc_job="4312"} 10
        DCGM_FI_DEV_GPU_UTIL{gpu="1",UUID="GPU-1",Hostname="node-1",hpc_job="4312"} 90
        DCGM_FI_DEV_GPU_UTIL{gpu="2",UUID="GPU-2",Hostname="node-1",namespace="acct-b"} 5
        DCGM_FI_DEV_GPU_UTIL{gpu="3",UUID="GPU-3",Hostname="node-1",namespace="nobody"} 0
        DCGM_FI_DEV_FB_USED{gpu="0",UUID="GPU-0",Hostname="node-1"} 71234
        """;

    [Fact]
    public async Task DcgmReadings_AreAttributedThroughTheJobOrTheNamespace_StoredOnce_AndMakeLowUtilisation()
    {
        await SetUpAsync();
        var provider = await App.ClientAsync("provider", null, "p8");

        var first = await (await provider.PostRawAsync("/api/v1/pools/p8/usage/dcgm?scrapedAt=2026-03-01T12:00:30Z", Scrape, "text/plain; version=0.0.4"))
            .ExpectAsync(HttpStatusCode.OK);
        var again = await (await provider.PostRawAsync("/api/v1/pools/p8/usage/dcgm?scrapedAt=2026-03-01T12:00:30Z", Scrape, "text/plain"))
            .ExpectAsync(HttpStatusCode.OK);
        await DetectIdleAsync();

        Assert.Equal((4L, 4L, 3L, 1L, 1L), (first.Long("readings"), first.Long("inserted"), first.Long("attributed"), first.Long("unattributed"), first.Long("otherSamples")));
        Assert.Equal((0L, 4L, 0L, 0L), (again.Long("inserted"), again.Long("duplicates"), again.Long("attributed"), again.Long("unattributed")));
        var teams = await App.QueryAsync<(string Gpu, string? Team)>(
            "SELECT s.gpu, t.code FROM utilisation_sample s LEFT JOIN team t ON t.id = s.team_id ORDER BY s.gpu");
        Assert.Equal([("GPU-0", "ta"), ("GPU-1", "ta"), ("GPU-2", "tb"), ("GPU-3", null)], teams);

        // ta used 2 GPUs all hour; half its readings were under 30%: half its use was at low utilisation.
        var hour = (await (await Manager.GetAsync("/api/v1/pools/p8/utilisation?from=2026-03-01T12:00:00Z&to=2026-03-01T13:00:00Z&granularity=hour"))
            .ExpectAsync(HttpStatusCode.OK)).GetProperty("total");
        Assert.Equal((2m, 1m), (hour.Decimal("usedGpuHours"), hour.Decimal("lowUtilisationGpuHours")));
    }

    [Fact]
    public async Task LowUtilisation_IsExactAcrossHours_NotTruncatedToWholeGpuSeconds()
    {
        await SetUpAsync();
        var provider = await App.ClientAsync("provider", null, "p8");

        // In each of three hours, one of ta's seven readings is low: a seventh of its 7,200 GPU-seconds, 1,028.571... each.
        var lines = Enumerable.Range(13, 3).SelectMany(hour => Enumerable.Range(0, 7).Select(i =>
            $"DCGM_FI_DEV_GPU_UTIL{{UUID=\"GPU-0\",hpc_job=\"4312\"}} {(i == 0 ? 10 : 90)} {Instant.FromUtc(2026, 3, 1, hour, i * 5).ToUnixTimeMilliseconds()}"));
        await (await provider.PostRawAsync("/api/v1/pools/p8/usage/dcgm", string.Join("\n", lines) + "\n", "text/plain")).ExpectAsync(HttpStatusCode.OK);
        await DetectIdleAsync();

        var total = (await (await Manager.GetAsync("/api/v1/pools/p8/utilisation?from=2026-03-01T13:00:00Z&to=2026-03-01T16:00:00Z&granularity=hour"))
            .ExpectAsync(HttpStatusCode.OK)).GetProperty("total");
        Assert.Equal(decimal.Round(3m * 7_200 / 7 / 3_600, 6), total.Decimal("lowUtilisationGpuHours"));
    }

    [Fact]
    public async Task AReadingsJob_IsTheSchedulersJobId_StoredAtIntake_NotReadBackOutOfTheRecordsIdentity()
    {
        await SetUpAsync();
        var provider = await App.ClientAsync("provider", null, "p8");
        await (await provider.PostSacctAsync("p8", "Cluster|JobID|Account|AllocTRES|Start|End|State\nhaein|4400|acct-b|gres/gpu=1|2026-03-01T21:00:00|2026-03-01T23:00:00|COMPLETED\n"))
            .ExpectAsync(HttpStatusCode.OK);
        await (await provider.PostRecordsAsync("p8", UsageReports.Job("4401", "acct-a", "2026-03-01T21:00:00Z", "2026-03-01T23:00:00Z", 1)))
            .ExpectAsync(HttpStatusCode.OK);
        await Manager.ReconcileAsync();
        const string scrape = """
            DCGM_FI_DEV_GPU_UTIL{gpu="0",UUID="GPU-0",Hostname="node-1",hpc_job="4400"} 10
            DCGM_FI_DEV_GPU_UTIL{gpu="1",UUID="GPU-1",Hostname="node-1",hpc_job="4401"} 90
            """;

        var sent = await (await provider.PostRawAsync("/api/v1/pools/p8/usage/dcgm?scrapedAt=2026-03-01T22:00:30Z", scrape, "text/plain")).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal((2L, 2L), (sent.Long("inserted"), sent.Long("attributed")));
        Assert.Equal(["4400", "4401"], await App.QueryAsync<string>("SELECT job_id FROM usage_record WHERE start_unix = @At ORDER BY job_id",
            new { At = Instant.FromUtc(2026, 3, 1, 21, 0).ToUnixTimeSeconds() }));
        var teams = await App.QueryAsync<string?>("SELECT t.code FROM utilisation_sample s LEFT JOIN team t ON t.id = s.team_id ORDER BY s.gpu");
        Assert.Equal(["tb", "ta"], teams);
    }

    [Fact]
    public async Task ReadingsThatArriveBeforeTheirJob_AreAttributedWhenItsRecordIsCounted()
    {
        await SetUpAsync();
        var provider = await App.ClientAsync("provider", null, "p8");
        const string early = """
            DCGM_FI_DEV_GPU_UTIL{gpu="0",UUID="GPU-0",Hostname="node-1",hpc_job="777"} 10
            DCGM_FI_DEV_GPU_UTIL{gpu="1",UUID="GPU-1",Hostname="node-1",hpc_job="777"} 10
            """;

        var sent = await (await provider.PostRawAsync("/api/v1/pools/p8/usage/dcgm?scrapedAt=2026-03-01T22:00:30Z", early, "text/plain")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal((2L, 0L, 2L), (sent.Long("inserted"), sent.Long("attributed"), sent.Long("unattributed")));

        // Job 777's sacct line arrives later; the next reconciliation attributes the waiting readings to its team.
        await (await provider.PostSacctAsync("p8", "JobID|Account|AllocTRES|Start|End|State\n777|acct-b|gres/gpu=2|2026-03-01T22:00:00|2026-03-01T23:00:00|COMPLETED\n"))
            .ExpectAsync(HttpStatusCode.OK);
        await Manager.ReconcileAsync();
        await DetectIdleAsync();

        var teams = await App.QueryAsync<string?>("SELECT t.code FROM utilisation_sample s LEFT JOIN team t ON t.id = s.team_id WHERE s.at_unix >= @From",
            new { From = Instant.FromUtc(2026, 3, 1, 22, 0).ToUnixTimeSeconds() });
        Assert.Equal(["tb", "tb"], teams);
        var hour = (await (await Manager.GetAsync("/api/v1/pools/p8/utilisation?from=2026-03-01T22:00:00Z&to=2026-03-01T23:00:00Z&granularity=hour"))
            .ExpectAsync(HttpStatusCode.OK)).GetProperty("total");
        Assert.Equal((2m, 2m), (hour.Decimal("usedGpuHours"), hour.Decimal("lowUtilisationGpuHours")));
    }

    [Theory]
    [InlineData("DCGM_FI_DEV_GPU_UTIL{UUID=\"GPU-0\"} 5\nDCGM_FI_DEV_GPU_UTIL{UUID=\"GPU-1\" 5", 2)]
    [InlineData("# TYPE DCGM_FI_DEV_GPU_UTIL gauge\nDCGM_FI_DEV_GPU_UTIL{UUID=\"GPU-0\"} 250", 2)]
    [InlineData("DCGM_FI_DEV_GPU_UTIL{UUID=\"GPU-0\"} 5 1893456000000", 1)]
    public async Task BadExpositionText_IsRefusedWithItsLine_AndNothingIsStored(string text, int line)
    {
        await SetUpAsync();

        var problem = await (await Manager.PostRawAsync("/api/v1/pools/p8/usage/dcgm?scrapedAt=2026-03-01T12:00:30Z", text, "text/plain"))
            .ExpectProblemAsync(HttpStatusCode.BadRequest);

        Assert.Equal(line, problem.GetProperty("line").GetInt32());
        Assert.Equal(0, (await App.QueryAsync<long>("SELECT COUNT(*) FROM utilisation_sample")).Single());
    }

    [Fact]
    public async Task Dcgm_IsForTheProviderOfThePool_AndTheScrapeNeedsATime()
    {
        await SetUpAsync();
        await Programme.PoolAsync("other");
        var stranger = await App.ClientAsync("provider", null, "other");
        var team = await App.ClientAsync("team", "ta");

        await (await stranger.PostRawAsync("/api/v1/pools/p8/usage/dcgm?scrapedAt=2026-03-01T12:00:30Z", Scrape, "text/plain")).ExpectProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.Forbidden, (await team.PostRawAsync("/api/v1/pools/p8/usage/dcgm?scrapedAt=2026-03-01T12:00:30Z", Scrape, "text/plain")).StatusCode);
        await (await Manager.PostRawAsync("/api/v1/pools/p8/usage/dcgm?scrapedAt=yesterday", Scrape, "text/plain")).ExpectProblemAsync(HttpStatusCode.BadRequest, "scrapedAt");
        await (await Manager.PostRawAsync("/api/v1/pools/p8/usage/dcgm", Scrape, "text/plain")).ExpectProblemAsync(HttpStatusCode.BadRequest);
        await (await Manager.PostRawAsync("/api/v1/pools/p8/usage/dcgm?scrapedAt=2026-03-01T12:00:30Z", Scrape, "application/json"))
            .ExpectProblemAsync(HttpStatusCode.UnsupportedMediaType);
        Assert.Equal(HttpStatusCode.Forbidden, (await team.GetAsync("/api/v1/pools/p8/utilisation")).StatusCode);
        await (await stranger.GetAsync("/api/v1/pools/p8/utilisation")).ExpectProblemAsync(HttpStatusCode.NotFound);
    }
}

public sealed class IdleOnSqlite() : IdleTests(DatabaseKind.Sqlite);

public sealed class IdleOnSqlServer() : IdleTests(DatabaseKind.SqlServer);
