using System.Net;
using System.Text;
using NationalAiEval.Api.Tests.Infrastructure;

namespace NationalAiEval.Api.Tests.Reliability;

/// <summary>Request size limits, checked on the real server (Kestrel enforces them; the in-memory test server does not).</summary>
[Trait(TestKinds.Name, TestKinds.Process)]
public sealed class BodySizeProcessTests : IAsyncDisposable
{
    private readonly TestDatabase _database = TestDatabase.Create(DatabaseKind.Sqlite);

    private string[] Arguments => ["--Database:Provider=Sqlite", $"--ConnectionStrings:Sqlite={_database.ConnectionString}"];

    [Fact]
    public async Task BodiesOverTheLimit_Are413Problems_WhileSchedulerUploadsMayBeLarger()
    {
        var (exit, output) = await ServiceProcess.RunAsync(["keys", "create", "--role", "manager", "--name", "sizes", .. Arguments]);
        Assert.True(exit == 0, output);
        await using var service = await ServiceProcess.StartAsync(Arguments);
        using var manager = service.Client(output.TrimEnd().Split('\n')[^1].Trim());

        // As curl does for large bodies: the server can refuse before the body is sent, and the client hears why.
        manager.DefaultRequestHeaders.ExpectContinue = true;
        await (await manager.PostJsonAsync("/api/v1/pools", new { code = "p8", name = "Pool", provider = "Test Cloud", gpuModel = "B200", gpusPerNode = 8 }))
            .ExpectAsync(HttpStatusCode.Created);

        // 100 MB of JSON to an ordinary endpoint (the limit is 32 MB).
        var huge = await manager.PostRawAsync("/api/v1/teams", "{\"code\":\"" + new string('a', 100 * 1024 * 1024) + "\"}");
        var problem = await huge.ExpectProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        Assert.EndsWith("too-large", problem.Text("type"), StringComparison.Ordinal);

        // 40 MB of sacct text (step lines, which are read and left out) is within the upload limit of 128 MB...
        var steps = new StringBuilder("JobID|Account|AllocTRES|Start|End|ElapsedRaw|State\n");
        var line = "9001.batch|lgai|cpu=64,gres/gpu=8,node=1|2026-05-14T09:00:00|2026-05-14T21:00:00|43200|COMPLETED\n";
        while (steps.Length < 40 * 1024 * 1024)
        {
            steps.Append(line);
        }

        var read = await (await manager.PostRawAsync("/api/v1/pools/p8/usage/sacct", steps.ToString(), "text/plain")).ExpectAsync(HttpStatusCode.OK);
        Assert.True(read.Long("stepLines") > 400_000);

        // ...and 140 MB is not.
        while (steps.Length < 140 * 1024 * 1024)
        {
            steps.Append(line);
        }

        await (await manager.PostRawAsync("/api/v1/pools/p8/usage/sacct", steps.ToString(), "text/plain")).ExpectProblemAsync(HttpStatusCode.RequestEntityTooLarge);
    }

    public async ValueTask DisposeAsync() => await _database.DisposeAsync();
}
