using System.Net;
using NationalAiEval.Api.Tests.Infrastructure;
using NodaTime;

namespace NationalAiEval.Api.Tests.Intake;

/// <summary>
/// The attacks an ordinary provider key could make on the ledger, each written as the request (or the stored record)
/// and the answer it must get: nothing out of bounds is stored, a record that cannot be counted is quarantined with a
/// flag while every other record still reconciles, and a manager can void or correct it.
/// </summary>
public abstract class PoisonedIntakeTests(DatabaseKind kind) : ApiTest(kind)
{
    private const string SacctHeader = "JobID|Account|AllocTRES|Start|End|State\n";

    /// <summary>Pool p8 (8 B200 for 2026), stage st with teams ta and tb, accounts acct-a and acct-b mapped, a provider key for p8.</summary>
    private async Task<HttpClient> SetUpAsync()
    {
        App.Clock.Reset(Instant.FromUtc(2026, 4, 1, 0, 0));
        await Programme.SmallProgrammeAsync("ta", "tb");
        foreach (var (account, team) in new[] { ("acct-a", "ta"), ("acct-b", "tb") })
        {
            await (await Manager.PutJsonAsync($"/api/v1/pools/p8/accounts/{account}", new { team })).ExpectAsync(HttpStatusCode.Created);
        }

        var provider = await App.ClientAsync("provider", null, "p8");

        // Both keys are used once before any checksum, so that "last used" does not differ between the two readings.
        await (await provider.GetAsync("/api/v1/pools/p8")).ExpectAsync(HttpStatusCode.OK);
        await (await Manager.GetAsync("/api/v1/pools/p8")).ExpectAsync(HttpStatusCode.OK);
        return provider;
    }

    private async Task<long> UsedAsync(string team) =>
        (await App.QueryAsync<long>("""
            SELECT COALESCE(SUM(l.amount), 0) FROM ledger_entry l JOIN participation p ON p.id = l.participation_id JOIN team t ON t.id = p.team_id
            WHERE t.code = @Team AND l.resource = 'gpu' AND l.kind = 'usage'
            """, new { Team = team })).Single();

    /// <summary>A record as an older version stored it, before the bounds: straight into the table, waiting to be counted.</summary>
    private Task<int> StoreBeforeTheBoundsAsync(string externalId, string account, long startUnix, long untilUnix, long gpus) =>
        App.WriteBehindTheApiAsync("""
            INSERT INTO usage_record (pool_id, external_id, account, start_unix, end_unix, until_unix, gpus, gpu_seconds, source, revision, received_unix, dirty)
            SELECT id, @ExternalId, @Account, @StartUnix, @UntilUnix, @UntilUnix, @Gpus, 0, 'sacct', 1, @StartUnix, 1 FROM pool WHERE code = 'p8'
            """, new { ExternalId = externalId, Account = account, StartUnix = startUnix, UntilUnix = untilUnix, Gpus = gpus });

    private static long Unix(int year, int month, int day, int hour = 0) => Instant.FromUtc(year, month, day, hour, 0).ToUnixTimeSeconds();

    [Fact]
    public async Task TheYearOneSacctLine_IsRefusedNamingItsLineAndStart_AndStoresNothing()
    {
        var provider = await SetUpAsync();
        var before = await App.ChecksumAsync();

        var refused = await (await provider.PostSacctAsync("p8", SacctHeader + "1|acct-a|gres/gpu=1|0001-08-01T00:00:00|2026-03-30T00:00:00|COMPLETED\n"))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "line 2");

        Assert.Equal(2, refused.Long("line"));
        Assert.Contains("Start", refused.GetProperty("errors").GetProperty("line 2")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(before, await App.ChecksumAsync());
    }

    [Fact]
    public async Task LongRecords_AreRefusedByTheMaximumDuration_NamingEachRecordsEnd()
    {
        var provider = await SetUpAsync();
        var before = await App.ChecksumAsync();
        var records = Enumerable.Range(0, 32).Select(i => UsageReports.Job($"long-{i}", "acct-a", "2000-01-01T00:00:00Z", "2026-03-31T00:00:00Z", 1)).ToArray();

        var refused = await (await provider.PostRecordsAsync("p8", records)).ExpectProblemAsync(HttpStatusCode.BadRequest, "records[31].end");

        Assert.Contains("at most 60 days", refused.GetProperty("errors").GetProperty("records[0].end")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(before, await App.ChecksumAsync());
    }

    [Fact]
    public async Task AnAncientOneHourJob_IsOutsideThePoolsLeases_AndRefused()
    {
        var provider = await SetUpAsync();

        var refused = await (await provider.PostRecordsAsync("p8",
                UsageReports.Job("now", "acct-a", "2026-03-30T00:00:00Z", "2026-03-30T01:00:00Z", 1),
                UsageReports.Job("ancient", "acct-a", "2001-03-30T00:00:00Z", "2001-03-30T01:00:00Z", 1)))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "records[1].start");

        Assert.Contains("outside the pool's leases", refused.ToString(), StringComparison.Ordinal);
        Assert.False(refused.GetProperty("errors").TryGetProperty("records[0].start", out _));
    }

    [Fact]
    public async Task AJobHoldingMoreGpusThanThePoolEverLeased_IsRefused()
    {
        var provider = await SetUpAsync();

        await (await provider.PostSacctAsync("p8", SacctHeader + "7|acct-a|gres/gpu=1000000|2026-03-30T00:00:00|2026-03-30T01:00:00|COMPLETED\n"))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "line 2");
        await (await provider.PostRecordsAsync("p8", UsageReports.Job("big", "acct-a", "2026-03-30T00:00:00Z", "2026-03-30T01:00:00Z", 9)))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "records[0].gpus");
        await (await provider.PostRecordsAsync("p8", UsageReports.Job("fits", "acct-a", "2026-03-30T00:00:00Z", "2026-03-30T01:00:00Z", 8)))
            .ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task UsageWithinTheToleranceAfterALeaseEnds_IsAccepted_AndBeyondItRefused()
    {
        var provider = await SetUpAsync();
        await Programme.PoolAsync("short", gpus: 4, from: "2026-02-01T00:00:00Z", to: "2026-03-01T00:00:00Z");
        await (await Manager.PutJsonAsync("/api/v1/pools/short/accounts/acct-a", new { team = "ta" })).ExpectAsync(HttpStatusCode.Created);

        await (await Manager.PostRecordsAsync("short", UsageReports.Job("late", "acct-a", "2026-03-07T00:00:00Z", "2026-03-07T23:00:00Z", 1)))
            .ExpectAsync(HttpStatusCode.OK);
        await (await Manager.PostRecordsAsync("short", UsageReports.Job("too-late", "acct-a", "2026-03-08T00:00:00Z", "2026-03-08T01:00:00Z", 1)))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "records[0].start");
        Assert.NotNull(provider);
    }

    [Fact]
    public async Task APoisonedRecordStoredBeforeTheBounds_IsQuarantinedWithAFlag_AndEveryOtherRecordStillReconciles()
    {
        var provider = await SetUpAsync();
        await StoreBeforeTheBoundsAsync("1@0001-08-01T00:00:00Z", "acct-a", Instant.FromUtc(1, 8, 1, 0, 0).ToUnixTimeSeconds(), Unix(2026, 3, 30), 1);
        await (await provider.PostRecordsAsync("p8", UsageReports.Job("normal", "acct-b", "2026-03-30T00:00:00Z", "2026-03-30T02:00:00Z", 2)))
            .ExpectAsync(HttpStatusCode.OK);

        var summary = await Manager.ReconcileAsync();

        Assert.Equal(1, summary.Long("quarantined"));
        Assert.Equal(-(2L * 7200 * 1000), await UsedAsync("tb"));
        Assert.Equal(0, await UsedAsync("ta"));
        var flag = Assert.Single((await (await Manager.GetAsync("/api/v1/flags?kind=quarantined-record")).ExpectAsync(HttpStatusCode.OK)).Items());
        Assert.Contains("1@0001-08-01T00:00:00Z", flag.Text("detail"), StringComparison.Ordinal);
        Assert.Equal("p8", flag.Text("pool"));

        // The provider of the pool sees it too (it is the provider's record), and the record says why it waits no more.
        var listed = Assert.Single((await (await provider.GetAsync("/api/v1/pools/p8/usage/records?state=quarantined")).ExpectAsync(HttpStatusCode.OK)).Items());
        Assert.Equal("quarantined", listed.Text("review"));
        Assert.False(listed.GetProperty("waiting").GetBoolean());

        // Later runs have nothing left to do: the record does not come back.
        Assert.Equal(0, (await Manager.ReconcileAsync()).Long("records"));
    }

    [Fact]
    public async Task AManagerVoidsAQuarantinedRecord_TheFlagResolves_AndTheVoidIsAudited()
    {
        var provider = await SetUpAsync();
        await StoreBeforeTheBoundsAsync("ancient", "acct-a", Unix(2001, 1, 1), Unix(2026, 3, 30), 1);
        await Manager.ReconcileAsync();
        var id = Assert.Single((await (await Manager.GetAsync("/api/v1/pools/p8/usage/records?state=quarantined")).ExpectAsync(HttpStatusCode.OK)).Items()).Long("id");

        var voided = await (await Manager.PostJsonAsync($"/api/v1/pools/p8/usage/records/{id}/void", new { reason = "a test job from a broken clock" }))
            .ExpectAsync(HttpStatusCode.OK);
        await Manager.ReconcileAsync();

        Assert.Equal("voided", voided.Text("review"));
        Assert.Empty((await (await Manager.GetAsync("/api/v1/flags?kind=quarantined-record&status=open")).ExpectAsync(HttpStatusCode.OK)).Items());
        var audit = (await (await Manager.GetAsync("/api/v1/audit?entity=usage_record")).ExpectAsync(HttpStatusCode.OK)).Items();
        Assert.Contains(audit, a => a.Text("action") == "usage-record.void");

        // The provider's re-send of the voided record is reported, not applied.
        var resent = await (await provider.PostRecordsAsync("p8", UsageReports.Job("ancient", "acct-a", "2026-03-30T00:00:00Z", "2026-03-30T01:00:00Z", 1)))
            .ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(1, resent.Long("overridden"));
        await Manager.ReconcileAsync();
        Assert.Equal(0, await UsedAsync("ta"));
    }

    [Fact]
    public async Task AManagerCorrectsARecord_AndTheLedgerMovesByTheDifference()
    {
        var provider = await SetUpAsync();
        await (await provider.PostRecordsAsync("p8", UsageReports.Job("j1", "acct-a", "2026-03-30T00:00:00Z", "2026-03-30T04:00:00Z", 4)))
            .ExpectAsync(HttpStatusCode.OK);
        await Manager.ReconcileAsync();
        var id = Assert.Single((await (await Manager.GetAsync("/api/v1/pools/p8/usage/records?externalId=j1")).ExpectAsync(HttpStatusCode.OK)).Items()).Long("id");
        Assert.Equal(-(4L * 4 * 3600 * 1000), await UsedAsync("ta"));

        var corrected = await (await Manager.PostJsonAsync($"/api/v1/pools/p8/usage/records/{id}/correction",
            new { start = "2026-03-30T00:00:00Z", end = "2026-03-30T01:00:00Z", gpus = 2, reason = "the scheduler double-counted a requeue" }))
            .ExpectAsync(HttpStatusCode.OK);
        await Manager.ReconcileAsync();

        Assert.Equal(("corrected", 2L), (corrected.Text("review"), corrected.Long("revision")));
        Assert.Equal(-(2L * 3600 * 1000), await UsedAsync("ta"));

        // A correction out of bounds is refused like an upload, naming the field.
        await (await Manager.PostJsonAsync($"/api/v1/pools/p8/usage/records/{id}/correction",
                new { start = "2025-01-01T00:00:00Z", end = "2026-03-30T01:00:00Z", gpus = 2, reason = "x" }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "end");

        // The provider's later version does not undo the manager's correction.
        var resent = await (await provider.PostRecordsAsync("p8", UsageReports.Job("j1", "acct-a", "2026-03-30T00:00:00Z", "2026-03-30T05:00:00Z", 4)))
            .ExpectAsync(HttpStatusCode.OK);
        await Manager.ReconcileAsync();
        Assert.Equal(1, resent.Long("overridden"));
        Assert.Equal(-(2L * 3600 * 1000), await UsedAsync("ta"));
    }

    [Fact]
    public async Task ARecordWhoseCountingFails_IsSetAsideAlone_AndTheOthersReconcile()
    {
        var provider = await SetUpAsync();
        var records = Enumerable.Range(0, 5).Select(i => UsageReports.Job($"ok-{i}", "acct-b", $"2026-03-2{i}T00:00:00Z", $"2026-03-2{i}T01:00:00Z", 1)).ToArray();
        await (await provider.PostRecordsAsync("p8", records)).ExpectAsync(HttpStatusCode.OK);
        await (await provider.PostRecordsAsync("p8", UsageReports.Job("corrupt", "acct-a", "2026-03-30T00:00:00Z", "2026-03-30T02:00:00Z", 1)))
            .ExpectAsync(HttpStatusCode.OK);

        // What was counted of "corrupt" is damaged (as a bug or a bad restore could leave it): taking it out overflows.
        await App.WriteBehindTheApiAsync("""
            UPDATE usage_record SET applied_revision = 1, applied_team_id = NULL, applied_account = 'acct-a', applied_start_unix = start_unix,
                   applied_until_unix = until_unix, applied_gpus = 4611686018427387904, revision = 2
            WHERE external_id = 'corrupt'
            """);

        var summary = await Manager.ReconcileAsync();

        Assert.Equal(1, summary.Long("quarantined"));
        Assert.Equal(-(5L * 3600 * 1000), await UsedAsync("tb"));
        var flag = Assert.Single((await (await Manager.GetAsync("/api/v1/flags?kind=quarantined-record")).ExpectAsync(HttpStatusCode.OK)).Items());
        Assert.Contains("counting it failed", flag.Text("detail"), StringComparison.Ordinal);
        Assert.Equal(0, (await Manager.ReconcileAsync()).Long("records"));
    }

    [Fact]
    public async Task RecordsStoredBeforeTheBounds_AndAlreadyCounted_AreFoundAtStartUp_AndTakenOutOfTheLedger()
    {
        var provider = await SetUpAsync();
        await (await provider.PostRecordsAsync("p8", UsageReports.Job("long", "acct-a", "2026-01-01T00:00:00Z", "2026-02-15T00:00:00Z", 1)))
            .ExpectAsync(HttpStatusCode.OK);
        await Manager.ReconcileAsync();
        Assert.NotEqual(0, await UsedAsync("ta"));

        // The bound is tightened: 30 days. The restarted service finds the 45-day record, reconciliation takes it out.
        await using var restarted = await TestApp.StartAsync(Kind, App.Clock.GetCurrentInstant(), App.Database,
            new Dictionary<string, string?> { ["Intake:MaxRecordDays"] = "30" });
        var summary = await restarted.Manager.ReconcileAsync();

        Assert.Equal(1, summary.Long("quarantined"));
        Assert.Equal(0, await UsedAsync("ta"));
        Assert.Equal(0L, (await App.QueryAsync<long>("SELECT COALESCE(SUM(gpu_seconds), 0) FROM usage_fact")).Single());
    }

    [Fact]
    public async Task ABatchIsBoundedByTheHoursItsRecordsSpan_NotOnlyByTheirNumber()
    {
        var provider = await SetUpAsync();
        var records = Enumerable.Range(0, 200).Select(i => UsageReports.Job($"long-{i}", i % 2 == 0 ? "acct-a" : "acct-b",
            "2026-02-01T00:00:00Z", "2026-03-31T00:00:00Z", 1)).ToArray();
        await (await provider.PostRecordsAsync("p8", records)).ExpectAsync(HttpStatusCode.OK);

        var summary = await Manager.ReconcileAsync();

        Assert.True(summary.Long("batches") >= 2, summary.ToString());
        Assert.Equal(200, summary.Long("records"));
        Assert.Equal(-(100L * 58 * 86_400 * 1000), await UsedAsync("ta"));
    }

    [Fact]
    public async Task DetectIdle_ComputesOnlyHoursInsideTheLeases_WhateverDatesWereStored()
    {
        await SetUpAsync();
        App.Clock.Reset(Instant.FromUtc(2026, 1, 3, 0, 0));
        await StoreBeforeTheBoundsAsync("ancient", "acct-a", Unix(2001, 1, 1), Unix(2001, 1, 1, 1), 1);
        await (await Manager.PostRecordsAsync("p8", UsageReports.Job("today", "acct-a", "2026-01-02T00:00:00Z", "2026-01-02T01:00:00Z", 1)))
            .ExpectAsync(HttpStatusCode.OK);
        await Manager.ReconcileAsync();

        var run = await (await Manager.PostAsync("/api/v1/jobs/detect-idle/runs", null)).ExpectAsync(HttpStatusCode.OK);

        // The lease starts 2026-01-01; a week of tolerance before it and the two days since: nothing near 2001.
        Assert.InRange(run.Long("poolHoursComputed"), 48, (7 + 2) * 24);
        Assert.Empty(await App.QueryAsync<long>("SELECT hour_unix FROM idle_fact WHERE hour_unix < @Before", new { Before = Unix(2025, 12, 1) }));
    }
}

public sealed class PoisonedIntakeOnSqlite() : PoisonedIntakeTests(DatabaseKind.Sqlite);

public sealed class PoisonedIntakeOnSqlServer() : PoisonedIntakeTests(DatabaseKind.SqlServer);
