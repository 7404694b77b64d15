using System.Diagnostics;
using System.Net;
using System.Text;
using NationalAiEval.Api.Tests.Infrastructure;
using NodaTime;

namespace NationalAiEval.Api.Tests.Intake;

/// <summary>
/// Text that could hide in a name, split a line of a generated command or be read as another value: each attack as the
/// request and its answer (a 400 naming the field or line, and nothing stored).
/// </summary>
public abstract class StrictTextTests(DatabaseKind kind) : ApiTest(kind)
{
    private const string SacctHeader = "JobID|Account|AllocTRES|Start|End|State\n";

    private async Task<HttpClient> SetUpAsync()
    {
        App.Clock.Reset(Instant.FromUtc(2026, 4, 1, 0, 0));
        await Programme.SmallProgrammeAsync("ta");
        await (await Manager.PutJsonAsync("/api/v1/pools/p8/accounts/acct-a", new { team = "ta" })).ExpectAsync(HttpStatusCode.Created);
        var provider = await App.ClientAsync("provider", null, "p8");

        // Both keys are used once before any checksum, so that "last used" does not differ between the two readings.
        await (await provider.GetAsync("/api/v1/pools/p8")).ExpectAsync(HttpStatusCode.OK);
        await (await Manager.GetAsync("/api/v1/pools/p8")).ExpectAsync(HttpStatusCode.OK);
        return provider;
    }

    [Fact]
    public async Task ACodeWithATrailingNewline_Is400_AndNoRowIsWritten()
    {
        await (await Manager.GetAsync("/api/v1/teams")).ExpectAsync(HttpStatusCode.OK);
        var before = await App.ChecksumAsync();

        await (await Manager.PostRawAsync("/api/v1/teams", "{\"code\":\"evil\\n\",\"name\":\"Evil\"}")).ExpectProblemAsync(HttpStatusCode.BadRequest, "code");

        Assert.Equal(before, await App.ChecksumAsync());
        await (await Manager.PostJsonAsync("/api/v1/teams", new { code = "evil", name = "Evil" })).ExpectAsync(HttpStatusCode.Created);
    }

    [Theory]
    [InlineData("Upstage\u0000")]
    [InlineData("Up\u001b[31mstage")]
    [InlineData("Upstage \u202Eegatspu")]
    [InlineData("Upstage\r\nInjected: header")]
    [InlineData("\u2066Upstage\u2069")]
    public async Task ANameWithControlOrBidiCharacters_Is400NamingIt(string name)
    {
        await (await Manager.PostJsonAsync("/api/v1/teams", new { code = "upstage", name })).ExpectProblemAsync(HttpStatusCode.BadRequest, "name");
        await (await Manager.PostJsonAsync("/api/v1/pools", new { code = "pool-x", name, provider = "P", gpuModel = "B200", gpusPerNode = 8 }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "name");
    }

    [Fact]
    public async Task AMappedAccountOrAClusterWithANewline_Is400()
    {
        await SetUpAsync();

        await (await Manager.PutJsonAsync("/api/v1/pools/p8/accounts/lgai%0A", new { team = "ta" })).ExpectProblemAsync(HttpStatusCode.BadRequest, "account");
        await (await Manager.GetAsync("/api/v1/pools/p8/slurm/limits?cluster=haein%0A")).ExpectProblemAsync(HttpStatusCode.BadRequest, "cluster");
    }

    [Fact]
    public async Task DuplicateJsonKeys_Are400NamingTheKey()
    {
        await SetUpAsync();

        var problem = await (await Manager.PostRawAsync("/api/v1/allocations",
                "{\"stage\":\"st\",\"team\":\"ta\",\"pool\":\"p8\",\"gpus\":1,\"gpus\":100000,\"start\":\"2026-04-02T00:00:00Z\",\"end\":\"2026-04-03T00:00:00Z\"}"))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "gpus");

        Assert.Contains("more than once", problem.ToString(), StringComparison.Ordinal);
        Assert.Empty((await (await Manager.GetAsync("/api/v1/allocations")).ExpectAsync(HttpStatusCode.OK)).Items());
    }

    [Fact]
    public async Task TheHour24_IsRefusedInJsonInQueriesAndInSacct()
    {
        var provider = await SetUpAsync();

        await (await Manager.PostJsonAsync("/api/v1/pools/p8/leases", new { gpus = 1, start = "2026-05-01T24:00:00Z", end = "2026-06-01T00:00:00Z", krwPerGpuHour = 1 }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "start");
        await (await Manager.GetAsync("/api/v1/allocations?from=2026-05-01T24:00:00Z")).ExpectProblemAsync(HttpStatusCode.BadRequest, "from");
        await (await provider.PostSacctAsync("p8", SacctHeader + "5|acct-a|gres/gpu=1|2026-03-01T23:00:00|2026-03-01T24:00:00|COMPLETED\n"))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "line 2");
    }

    [Theory]
    [InlineData("12\u00003|acct-a|gres/gpu=1|2026-03-01T00:00:00|2026-03-01T01:00:00|COMPLETED")]
    [InlineData("123|acct-a\u0000|gres/gpu=1|2026-03-01T00:00:00|2026-03-01T01:00:00|COMPLETED")]
    [InlineData("123|lg ai;reboot|gres/gpu=1|2026-03-01T00:00:00|2026-03-01T01:00:00|COMPLETED")]
    [InlineData("123|acct-a|gres/gpu=1|9999-03-01T00:00:00|9999-03-01T01:00:00|COMPLETED")]
    [InlineData("123|acct-a|gres/gpu=1|2026-03-01T00:00:00|2026-05-20T00:00:00|COMPLETED")]
    public async Task HostileSacctLines_Are400NamingTheLine_AndStoreNothing(string line)
    {
        var provider = await SetUpAsync();
        var before = await App.ChecksumAsync();

        await (await provider.PostSacctAsync("p8", SacctHeader + "1|acct-a|gres/gpu=1|2026-03-01T00:00:00|2026-03-01T01:00:00|COMPLETED\n" + line + "\n"))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "line 3");

        Assert.Equal(before, await App.ChecksumAsync());
    }

    [Theory]
    [InlineData("DCGM_FI_DEV_GPU_UTIL{UUID=\"GPU-1\"} 50 -62135596800000")]
    [InlineData("DCGM_FI_DEV_GPU_UTIL{UUID=\"GPU-1\"} 50 253402300799000")]
    [InlineData("DCGM_FI_DEV_GPU_UTIL{UUID=\"GPU-1\"} 50 978307200000")]
    [InlineData("DCGM_FI_DEV_GPU_UTIL{UUID=\"GPU-1\u0000\"} 50")]
    [InlineData("DCGM_FI_DEV_GPU_UTIL{UUID=\"GPU-1\",hpc_job=\"12\\n34\"} 50")]
    [InlineData("DCGM_FI_DEV_GPU_UTIL{UUID=\"GPU-1\",namespace=\"lg ai\"} 50")]
    [InlineData("DCGM_FI_DEV_GPU_UTIL{UUID=\"GPU 1; rm\"} 50")]
    public async Task HostileDcgmSamples_Are400NamingTheLine_AndStoreNothing(string line)
    {
        var provider = await SetUpAsync();
        var before = await App.ChecksumAsync();

        await (await provider.PostRawAsync("/api/v1/pools/p8/usage/dcgm?scrapedAt=2026-03-01T12:00:30Z",
                "# TYPE DCGM_FI_DEV_GPU_UTIL gauge\nDCGM_FI_DEV_GPU_UTIL{UUID=\"GPU-0\"} 40\n" + line + "\n", "text/plain"))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "line 3");

        Assert.Equal(before, await App.ChecksumAsync());
    }

    [Fact]
    public async Task ATenMegabyteDcgmLabel_Is400()
    {
        var provider = await SetUpAsync();
        var label = new string('x', 10 * 1024 * 1024);

        await (await provider.PostRawAsync("/api/v1/pools/p8/usage/dcgm?scrapedAt=2026-03-01T12:00:30Z",
                $"DCGM_FI_DEV_GPU_UTIL{{UUID=\"GPU-0\",pod=\"{label}\"}} 40\n", "text/plain"))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "line 1");
    }

    [Fact]
    public async Task TheSlurmLimitsScript_IsOneCommandPerLine_AndParsesInBash_EvenWithAMappingStoredBeforeTheGrammarsWereStrict()
    {
        await SetUpAsync();
        await (await Manager.PutJsonAsync("/api/v1/pools/p8/accounts/lg.ai@research_1", new { team = "ta" })).ExpectAsync(HttpStatusCode.Created);
        await App.WriteBehindTheApiAsync("""
            INSERT INTO scheduler_account (pool_id, account, team_id, updated_unix)
            SELECT p.id, @Account, t.id, 0 FROM pool p, team t WHERE p.code = 'p8' AND t.code = 'ta'
            """, new { Account = "lgai\nsacctmgr -i delete account where name=root" });

        var script = await (await Manager.GetAsync("/api/v1/pools/p8/slurm/limits?cluster=haein")).Content.ReadAsStringAsync();

        var lines = script.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.All(lines, line => Assert.True(line.StartsWith('#') || line.StartsWith("sacctmgr -i modify account where name='", StringComparison.Ordinal), line));
        Assert.Equal(4, lines.Count(l => l.StartsWith("sacctmgr", StringComparison.Ordinal)));
        Assert.DoesNotContain("delete", script, StringComparison.Ordinal);
        Assert.Contains("# skipped a mapped account", script, StringComparison.Ordinal);
        Assert.Equal(0, await BashSyntaxCheckAsync(script));
    }

    /// <summary>Runs <c>bash -n</c> (parse, do not execute) over the script; 0 means it parses.</summary>
    private static async Task<int> BashSyntaxCheckAsync(string script)
    {
        using var bash = Process.Start(new ProcessStartInfo("bash", "-n")
        {
            RedirectStandardInput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        })!;
        await bash.StandardInput.WriteAsync(script);
        bash.StandardInput.Close();
        await bash.WaitForExitAsync();
        Assert.Equal(string.Empty, await bash.StandardError.ReadToEndAsync());
        return bash.ExitCode;
    }
}

public sealed class StrictTextOnSqlite() : StrictTextTests(DatabaseKind.Sqlite);

public sealed class StrictTextOnSqlServer() : StrictTextTests(DatabaseKind.SqlServer);
