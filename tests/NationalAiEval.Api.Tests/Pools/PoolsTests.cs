using System.Net;
using NationalAiEval.Api.Tests.Infrastructure;

namespace NationalAiEval.Api.Tests.Pools;

public abstract class PoolsTests(DatabaseKind kind) : ApiTest(kind)
{
    [Fact]
    public async Task Create_ThenGet_ReturnsThePoolWithItsLeasesAndAnETag()
    {
        await Programme.PoolAsync("skt-haein-b200", gpus: 1024, model: "b200", from: "2025-07-31T15:00:00Z", to: "2026-06-30T15:00:00Z", krwPerGpuHour: 8000);

        var response = await Manager.GetAsync("/api/v1/pools/skt-haein-b200");
        var pool = await response.ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("B200", pool.Text("gpuModel"));
        var lease = Assert.Single(pool.Items("leases"));
        Assert.Equal((1024L, 8000L), (lease.Long("gpus"), lease.Long("krwPerGpuHour")));
        Assert.Equal("2025-07-31T15:00:00Z", lease.Text("start"));
        Assert.Equal("\"2\"", response.Headers.ETag?.ToString());
    }

    [Fact]
    public async Task Create_DuplicateCode_Is409()
    {
        await Programme.PoolAsync("p8");

        var again = await Manager.PostJsonAsync("/api/v1/pools", new { code = "p8", name = "x", provider = "y", gpuModel = "B200", gpusPerNode = 8 });

        await again.ExpectProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Create_GpuModelWithoutWeight_Is422OnGpuModel()
    {
        var response = await Manager.PostJsonAsync("/api/v1/pools", new { code = "mi", name = "x", provider = "y", gpuModel = "MI300X", gpusPerNode = 8 });

        await response.ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "gpuModel");
    }

    [Theory]
    [InlineData(0, "2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z", "gpus")]
    [InlineData(-8, "2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z", "gpus")]
    [InlineData(8, "2026-02-01T00:00:00Z", "2026-01-01T00:00:00Z", "end")]
    [InlineData(8, "2026-02-01T00:00:00Z", "2026-02-01T00:00:00Z", "end")]
    [InlineData(8, "1999-12-31T00:00:00Z", "2026-02-01T00:00:00Z", "start")]
    [InlineData(8, "2026-01-01T00:00:00.5Z", "2026-02-01T00:00:00Z", "start")]
    public async Task Lease_WithBadValues_Is400NamingTheField(long gpus, string start, string end, string field)
    {
        await Programme.PoolAsync("p8");

        var response = await Manager.PostJsonAsync("/api/v1/pools/p8/leases", new { gpus, start, end, krwPerGpuHour = 8000 });

        await response.ExpectProblemAsync(HttpStatusCode.BadRequest, field);
        var pool = await (await Manager.GetAsync("/api/v1/pools/p8")).ExpectAsync(HttpStatusCode.OK);
        Assert.Single(pool.Items("leases"));
    }

    [Fact]
    public async Task Capacity_SumsOverlappingLeaseLines_AndSubtractsAllocations()
    {
        await Programme.SmallProgrammeAsync("ta");
        await Programme.LeaseAsync("p8", 4, "2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z", 9000);
        await (await Programme.AllocateAsync("st", "ta", "p8", 10, "2026-03-10T00:00:00Z", "2026-03-20T00:00:00Z")).ExpectAsync(HttpStatusCode.Created);

        var capacity = await (await Manager.GetAsync("/api/v1/pools/p8/capacity?from=2026-02-01T00:00:00Z&to=2026-05-01T00:00:00Z"))
            .ExpectAsync(HttpStatusCode.OK);

        var segments = capacity.Items("segments").Select(s => (s.Text("from"), s.Long("leasedGpus"), s.Long("allocatedGpus"), s.Long("freeGpus"))).ToArray();
        Assert.Equal(
            [
                ("2026-02-01T00:00:00Z", 8L, 0L, 8L),
                ("2026-03-01T00:00:00Z", 12L, 0L, 12L),
                ("2026-03-10T00:00:00Z", 12L, 10L, 2L),
                ("2026-03-20T00:00:00Z", 12L, 0L, 12L),
                ("2026-04-01T00:00:00Z", 8L, 0L, 8L),
            ],
            segments);
    }

    [Fact]
    public async Task Capacity_WithoutRange_CoversTheLeases()
    {
        await Programme.PoolAsync("p8", from: "2026-01-01T00:00:00Z", to: "2026-02-01T00:00:00Z");

        var capacity = await (await Manager.GetAsync("/api/v1/pools/p8/capacity")).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("2026-01-01T00:00:00Z", capacity.Text("from"));
        Assert.Equal("2026-02-01T00:00:00Z", capacity.Text("to"));
        Assert.Single(capacity.Items("segments"));
    }

    [Fact]
    public async Task Capacity_BadQuery_Is400NamingTheParameter()
    {
        await Programme.PoolAsync("p8");

        await (await Manager.GetAsync("/api/v1/pools/p8/capacity?from=yesterday")).ExpectProblemAsync(HttpStatusCode.BadRequest, "from");
        await (await Manager.GetAsync("/api/v1/pools/p8/capacity?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z"))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "to");
    }

    [Fact]
    public async Task Update_NeedsIfMatch_RefusesAStaleOne_AndAcceptsTheCurrent()
    {
        await Programme.PoolAsync("p8");
        var etag = (await Manager.GetAsync("/api/v1/pools/p8")).Headers.ETag!.ToString();

        await (await Manager.PatchJsonAsync("/api/v1/pools/p8", new { name = "Renamed" })).ExpectProblemAsync(HttpStatusCode.PreconditionRequired);
        await (await Manager.PatchJsonAsync("/api/v1/pools/p8", new { name = "Renamed" }, "\"1\"")).ExpectProblemAsync(HttpStatusCode.PreconditionFailed);
        var updated = await Manager.PatchJsonAsync("/api/v1/pools/p8", new { name = "Renamed" }, etag);

        Assert.Equal("Renamed", (await updated.ExpectAsync(HttpStatusCode.OK)).Text("name"));
        Assert.NotEqual(etag, updated.Headers.ETag!.ToString());
        await (await Manager.PatchJsonAsync("/api/v1/pools/p8", new { name = "Again" }, etag)).ExpectProblemAsync(HttpStatusCode.PreconditionFailed);
    }

    [Fact]
    public async Task Accounts_MapToATeam_AndMoveWithASecondPut()
    {
        await Programme.PoolAsync("p8");
        await Programme.TeamAsync("lg", "upstage");

        var created = await Manager.PutJsonAsync("/api/v1/pools/p8/accounts/lg_exaone", new { team = "lg" });
        var moved = await Manager.PutJsonAsync("/api/v1/pools/p8/accounts/lg_exaone", new { team = "upstage" });

        await created.ExpectAsync(HttpStatusCode.Created);
        await moved.ExpectAsync(HttpStatusCode.OK);
        var account = Assert.Single((await (await Manager.GetAsync("/api/v1/pools/p8")).ExpectAsync(HttpStatusCode.OK)).Items("accounts"));
        Assert.Equal(("lg_exaone", "upstage"), (account.Text("account"), account.Text("team")));
    }

    [Fact]
    public async Task Accounts_UnknownTeam_Is422_AndABadAccountName_Is400()
    {
        await Programme.PoolAsync("p8");

        await (await Manager.PutJsonAsync("/api/v1/pools/p8/accounts/acct", new { team = "nobody" })).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "team");
        await (await Manager.PutJsonAsync("/api/v1/pools/p8/accounts/a%20b", new { team = "nobody" })).ExpectProblemAsync(HttpStatusCode.BadRequest, "account");
    }

    [Fact]
    public async Task List_IsPaged_WithACursor()
    {
        foreach (var code in new[] { "p1", "p2", "p3" })
        {
            await Programme.PoolAsync(code);
        }

        var first = await (await Manager.GetAsync("/api/v1/pools?limit=2")).ExpectAsync(HttpStatusCode.OK);
        var cursor = first.Text("nextCursor");
        var second = await (await Manager.GetAsync($"/api/v1/pools?limit=2&after={cursor}")).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(["p1", "p2"], first.Items().Select(p => p.Text("code")));
        Assert.Equal(["p3"], second.Items().Select(p => p.Text("code")));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, second.GetProperty("nextCursor").ValueKind);
        await (await Manager.GetAsync("/api/v1/pools?limit=0")).ExpectProblemAsync(HttpStatusCode.BadRequest, "limit");
    }
}

public sealed class PoolsOnSqlite() : PoolsTests(DatabaseKind.Sqlite);

public sealed class PoolsOnSqlServer() : PoolsTests(DatabaseKind.SqlServer);
