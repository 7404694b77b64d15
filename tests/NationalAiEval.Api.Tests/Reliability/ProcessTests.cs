using System.Net;
using System.Text.RegularExpressions;
using NationalAiEval.Api.Tests.Infrastructure;

namespace NationalAiEval.Api.Tests.Reliability;

/// <summary>The newcomer's path with the real binary: the demo and the keys its tour uses (SQLite by definition).</summary>
[Trait(TestKinds.Name, TestKinds.Process)]
public sealed class DemoProcessTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "nationalaieval-process-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Demo_LoadsTheProgramme_AndPrintsAKeyPerRole_ThatTheTourCanUse()
    {
        await using var service = await ServiceProcess.StartAsync("--demo", $"--Demo:DatabasePath={Path.Combine(_directory, "demo.db")}");
        var keys = Regex.Matches(service.Output, "^export (?<name>NAE_[A-Z_]+_KEY)=(?<secret>nae_\\S+)$", RegexOptions.Multiline)
            .ToDictionary(m => m.Groups["name"].Value, m => m.Groups["secret"].Value);

        Assert.Contains("NAE_MANAGER_KEY", keys.Keys);
        Assert.Contains("NAE_FINANCE_KEY", keys.Keys);
        using var manager = service.Client(keys["NAE_MANAGER_KEY"]);
        var proof = await (await manager.GetAsync("/api/v1/stages/stage-2/equality")).ExpectAsync(HttpStatusCode.OK);
        Assert.True(proof.GetProperty("allEqual").GetBoolean());
        Assert.Equal(["lg-ai-research", "upstage", "sk-telecom", "motif"], proof.Items("participations").Select(p => p.Text("team")));

        using var motif = service.Client(keys["NAE_TEAM_MOTIF_KEY"]);
        var quota = await (await motif.GetAsync("/api/v1/teams/motif/quota")).ExpectAsync(HttpStatusCode.OK);
        var stage = Assert.Single(quota.Items("stages"));
        Assert.Equal(("rechallenge", 0m), (stage.Text("kind"), stage.Decimal("stillToAllocateGpuHours")));
        await (await motif.GetAsync("/api/v1/teams/upstage/quota")).ExpectProblemAsync(HttpStatusCode.NotFound);

        using var finance = service.Client(keys["NAE_FINANCE_KEY"]);
        foreach (var team in new[] { "lg-ai-research", "upstage", "sk-telecom" })
        {
            var teamQuota = Assert.Single((await (await finance.GetAsync($"/api/v1/teams/{team}/quota")).ExpectAsync(HttpStatusCode.OK)).Items("stages"));
            Assert.Equal(0m, teamQuota.Decimal("stillToAllocateGpuHours"));
        }

        // Alive on first start: usage reconciled into the ledger, and flags for a person to look at.
        Assert.True(stage.GetProperty("used").Decimal("equivalentGpuHours") > 0);
        using var managerFlags = service.Client(keys["NAE_MANAGER_KEY"]);
        var flags = (await (await managerFlags.GetAsync("/api/v1/flags?status=open")).ExpectAsync(HttpStatusCode.OK)).Items().Select(f => f.Text("kind")).ToList();
        Assert.Contains("unmapped-account", flags);
        Assert.Contains("overuse", flags);
        var lgData = Assert.Single((await (await finance.GetAsync("/api/v1/teams/lg-ai-research/quota")).ExpectAsync(HttpStatusCode.OK)).Items("stages"));
        Assert.Equal(800_000_000, lgData.GetProperty("dataGrant").Long("drawnKrw"));

        // Idle capacity is flagged while it happens, finance reads the waste by cause, and months to March are closed.
        Assert.Contains(flags, f => f == "idle-capacity");
        var idle = (await (await managerFlags.GetAsync("/api/v1/flags?kind=idle-capacity&status=open")).ExpectAsync(HttpStatusCode.OK)).Items();
        Assert.Contains(idle, f => f.Text("pool") == "kt-h200");
        var waste = await (await finance.GetAsync("/api/v1/reports/waste?from=2026-04&to=2026-04&groupBy=pool")).ExpectAsync(HttpStatusCode.OK);
        Assert.All(waste.Items("rows").Append(waste.GetProperty("total")),
            r => Assert.Equal(r.Long("leasedKrw"), r.Long("usedKrw") + r.Long("idleUnallocatedKrw") + r.Long("idleAllocatedUnusedKrw")));
        Assert.True(waste.GetProperty("total").Long("idleKrw") > 0);
        var resent = Assert.Single(waste.Items("rows"), r => r.GetProperty("adjustmentFor").GetString() == "2026-02");
        Assert.Equal(("naver-h100", 192m), (resent.Text("pool"), resent.Decimal("usedGpuHours")));
        var periods = (await (await finance.GetAsync("/api/v1/periods")).ExpectAsync(HttpStatusCode.OK)).Items();
        Assert.Equal(("2025-08", "2026-03"), (periods[0].Text("period"), periods[^1].Text("period")));

        // The forecast: the weeks before Motif joined left KT's H200s as a gap; the NHN lease outlives every window.
        var february = await (await manager.GetAsync("/api/v1/forecast?asOf=2026-02-01T00:00:00Z&until=2026-03-01T00:00:00Z")).ExpectAsync(HttpStatusCode.OK);
        Assert.Contains(february.Items("unallocated"),
            s => s.Text("pool") == "kt-h200" && s.Text("cause") == "gap-before-late-join" && s.Text("to") == "2026-02-19T15:00:00Z");
        var ahead = await (await manager.GetAsync("/api/v1/forecast")).ExpectAsync(HttpStatusCode.OK);
        Assert.Contains(ahead.Items("unallocated"), s => s.Text("pool") == "nhn-gov-b200" && s.Text("cause") == "lease-outlives-windows");

        // The planner's story: from the stage's start, with Motif joining on 2026-02-20, every team gets the same; a team
        // joining in December would be short, and the certificate says which lease closes the gap.
        var replanned = await (await manager.PostJsonAsync("/api/v1/stages/stage-2/plan/preview", new { whatIf = new { asOf = "2026-01-15T15:00:00Z" } }))
            .ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(4, replanned.Items("participations").Length);
        // Whole GPUs on Seoul days: each team gets the entitlement and less than one GPU-day more.
        Assert.All(replanned.Items("participations"), p => Assert.InRange(p.Decimal("totalGpuHours"), 2_764_800m, 2_764_823m));
        var late = await (await manager.PostJsonAsync("/api/v1/stages/stage-2/plan/preview",
            new { whatIf = new { joins = new[] { new { team = "late-lab", joinDate = "2026-12-01", kind = "rechallenge" } } } })).ExpectAsync(HttpStatusCode.OK);
        var shortfall = late.GetProperty("capacity");
        Assert.False(shortfall.GetProperty("feasible").GetBoolean());
        Assert.NotEmpty(shortfall.Items("bottlenecks"));
        Assert.Contains(shortfall.Items("extraLeases"), l => l.Text("pool") == "nhn-gov-b200");

        using var nhn = service.Client(keys["NAE_PROVIDER_NHN_KEY"]);
        Assert.Equal(["nhn-gov-b200"], (await (await nhn.GetAsync("/api/v1/pools")).ExpectAsync(HttpStatusCode.OK)).Items().Select(p => p.Text("code")));
        var capacity = await (await nhn.GetAsync("/api/v1/pools/nhn-gov-b200/capacity")).ExpectAsync(HttpStatusCode.OK);
        Assert.All(capacity.Items("segments"), s => Assert.True(s.Long("allocatedGpus") <= s.Long("leasedGpus")));
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}

/// <summary>The operator's path with the real binary: the first manager key on an empty database, then the service on it.</summary>
public abstract class FirstKeyProcessTests : IAsyncDisposable
{
    private readonly TestDatabase _database;

    protected FirstKeyProcessTests(DatabaseKind kind)
    {
        if (kind == DatabaseKind.SqlServer && TestDatabase.SqlServerConnectionString is null)
        {
            Assert.Skip(TestDatabase.SkipReason);
        }

        _database = TestDatabase.Create(kind);
    }

    private string[] DatabaseArguments => _database.Kind == DatabaseKind.Sqlite
        ? ["--Database:Provider=Sqlite", $"--ConnectionStrings:Sqlite={_database.ConnectionString}"]
        : ["--Database:Provider=SqlServer", $"--ConnectionStrings:SqlServer={_database.ConnectionString}"];

    [Fact]
    public async Task FirstManagerKey_FromTheCommandLine_OpensAServiceOnAnEmptyDatabase()
    {
        var (exit, output) = await ServiceProcess.RunAsync(["keys", "create", "--role", "manager", "--name", "first", .. DatabaseArguments]);
        Assert.True(exit == 0, output);
        var secret = output.TrimEnd().Split('\n')[^1].Trim();

        await using var service = await ServiceProcess.StartAsync(DatabaseArguments);
        using var manager = service.Client(secret);
        await (await manager.PostJsonAsync("/api/v1/teams", new { code = "upstage", name = "Upstage" })).ExpectAsync(HttpStatusCode.Created);
        await (await service.Client().GetAsync("/api/v1/teams")).ExpectProblemAsync(HttpStatusCode.Unauthorized);
    }

    public async ValueTask DisposeAsync()
    {
        await _database.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}

[Trait(TestKinds.Name, TestKinds.Process)]
public sealed class FirstKeyProcessOnSqlite() : FirstKeyProcessTests(DatabaseKind.Sqlite);

[Trait(TestKinds.Name, TestKinds.Process)]
public sealed class FirstKeyProcessOnSqlServer() : FirstKeyProcessTests(DatabaseKind.SqlServer);
