using System.Net;
using NationalAiEval.Api.Tests.Infrastructure;
using NodaTime;

namespace NationalAiEval.Api.Tests.Usage;

public abstract class UsageIngestionTests(DatabaseKind kind) : ApiTest(kind)
{
    private async Task SetUpAsync()
    {
        App.Clock.Reset(Instant.FromUtc(2026, 3, 1, 0, 0));
        await Programme.SmallProgrammeAsync("ta", "tb");
        await Programme.PoolAsync("other");
        await (await Manager.PutJsonAsync("/api/v1/pools/p8/accounts/acct-a", new { team = "ta" })).ExpectAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task TheSameBatchTwice_InsertsOnce_ThenChangesNothing()
    {
        await SetUpAsync();
        object[] batch = [UsageReports.Job("j1", "acct-a", "2026-02-01T10:30:00Z", "2026-02-01T12:15:00Z", 4), UsageReports.Job("j2", "acct-a", "2026-02-02T00:00:00Z", "2026-02-02T01:00:00Z", 1)];

        var first = await (await Manager.PostRecordsAsync("p8", batch)).ExpectAsync(HttpStatusCode.OK);
        var second = await (await Manager.PostRecordsAsync("p8", batch)).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal((2L, 0L, 0L), (first.Long("inserted"), first.Long("updated"), first.Long("unchanged")));
        Assert.Equal((0L, 0L, 2L), (second.Long("inserted"), second.Long("updated"), second.Long("unchanged")));
    }

    [Fact]
    public async Task ARunningJob_CountsUpToMeasuredAt_OrUpToWhenItWasReceived()
    {
        await SetUpAsync();

        await (await Manager.PostRecordsAsync("p8",
            UsageReports.Job("measured", "acct-a", "2026-02-28T20:00:00Z", null, 2, "2026-02-28T22:00:00Z"),
            UsageReports.Job("unmeasured", "acct-a", "2026-02-28T23:00:00Z", null, 3))).ExpectAsync(HttpStatusCode.OK);

        var seconds = await App.QueryAsync<(string Id, long Seconds)>("SELECT external_id, gpu_seconds FROM usage_record ORDER BY external_id");
        Assert.Equal([("measured", 2L * 7200), ("unmeasured", 3L * 3600)], seconds);
    }

    [Theory]
    [InlineData("{\"records\":[{\"externalId\":\"ok\",\"account\":\"acct-a\",\"start\":\"2026-02-01T00:00:00Z\",\"end\":\"2026-02-01T01:00:00Z\",\"gpus\":1},{\"externalId\":\"bad\",\"account\":\"acct-a\",\"start\":\"2026-02-01T02:00:00Z\",\"end\":\"2026-02-01T01:00:00Z\",\"gpus\":1}]}", "records[1].end")]
    [InlineData("{\"records\":[{\"externalId\":\"ok\",\"account\":\"acct-a\",\"start\":\"2026-02-01T00:00:00Z\",\"end\":\"2026-02-01T01:00:00Z\",\"gpus\":0}]}", "records[0].gpus")]
    [InlineData("{\"records\":[{\"externalId\":\"ok\",\"account\":\"a b\",\"start\":\"2026-02-01T00:00:00Z\",\"end\":\"2026-02-01T01:00:00Z\",\"gpus\":1}]}", "records[0].account")]
    [InlineData("{\"records\":[{\"account\":\"acct-a\",\"start\":\"2026-02-01T00:00:00Z\",\"end\":\"2026-02-01T01:00:00Z\",\"gpus\":1}]}", "records[0].externalId")]
    [InlineData("{\"records\":[{\"externalId\":\"x\",\"account\":\"acct-a\",\"start\":\"2026-02-01T00:00:00Z\",\"end\":\"2026-02-01T01:00:00Z\",\"gpus\":1},{\"externalId\":\"x\",\"account\":\"acct-a\",\"start\":\"2026-02-01T00:00:00Z\",\"end\":\"2026-02-01T01:00:00Z\",\"gpus\":1}]}", "records[1].externalId")]
    [InlineData("{\"records\":[{\"externalId\":\"x\",\"account\":\"acct-a\",\"start\":\"2026-02-01T00:00:00Z\",\"end\":\"2026-03-09T00:00:00Z\",\"gpus\":1}]}", "records[0].end")]
    [InlineData("{\"records\":[{\"externalId\":\"x\",\"account\":\"acct-a\",\"start\":\"2026-02-01T00:00:00Z\",\"end\":\"2026-02-01T01:00:00Z\",\"gpus\":\"two\"}]}", "records[0].gpus")]
    [InlineData("{\"records\":{}}", "records")]
    [InlineData("{}", "records")]
    public async Task ABadRecord_Is400NamingIndexAndField_AndTheWholeBatchIsRefused(string body, string field)
    {
        await SetUpAsync();

        await (await Manager.PostRawAsync("/api/v1/pools/p8/usage", body)).ExpectProblemAsync(HttpStatusCode.BadRequest, field);

        Assert.Empty(await App.QueryAsync<long>("SELECT id FROM usage_record"));
    }

    [Fact]
    public async Task MoreThan50000Records_AreRefused()
    {
        await SetUpAsync();
        var records = Enumerable.Range(0, 50_001).Select(i => UsageReports.Job($"j{i}", "acct-a", "2026-02-01T00:00:00Z", "2026-02-01T00:01:00Z", 1)).ToArray();

        await (await Manager.PostRecordsAsync("p8", records)).ExpectProblemAsync(HttpStatusCode.BadRequest, "records");
    }

    [Fact]
    public async Task FiftyThousandRecords_InOneRequest_AreAccepted()
    {
        await SetUpAsync();
        var records = Enumerable.Range(0, 50_000).Select(i => UsageReports.Job($"j{i}", "acct-a", "2026-02-01T00:00:00Z", "2026-02-01T00:01:00Z", 1)).ToArray();

        var summary = await (await Manager.PostRecordsAsync("p8", records)).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(50_000, summary.Long("inserted"));
    }

    [Fact]
    public async Task AProviderKey_ReportsOnlyToItsOwnPools()
    {
        await SetUpAsync();
        var provider = await App.ClientAsync("provider", null, "p8");
        var team = await App.ClientAsync("team", "ta");
        var finance = await App.ClientAsync("finance");
        var job = UsageReports.Job("j1", "acct-a", "2026-02-01T00:00:00Z", "2026-02-01T01:00:00Z", 1);

        await (await provider.PostRecordsAsync("p8", job)).ExpectAsync(HttpStatusCode.OK);
        await (await provider.PostRecordsAsync("other", job)).ExpectProblemAsync(HttpStatusCode.NotFound);
        await (await provider.PostSacctAsync("other", "JobID|Account|AllocTRES|Start|End\n")).ExpectProblemAsync(HttpStatusCode.NotFound);
        await (await team.PostRecordsAsync("p8", job)).ExpectProblemAsync(HttpStatusCode.Forbidden);
        await (await finance.PostRecordsAsync("p8", job)).ExpectProblemAsync(HttpStatusCode.Forbidden);
    }
}

public sealed class UsageIngestionOnSqlite() : UsageIngestionTests(DatabaseKind.Sqlite);

public sealed class UsageIngestionOnSqlServer() : UsageIngestionTests(DatabaseKind.SqlServer);
