using System.Net;
using NationalAiEval.Api.Keys;
using NationalAiEval.Api.Tests.Infrastructure;

namespace NationalAiEval.Api.Tests;

public sealed class KeysCommandTests : IAsyncLifetime
{
    private TestApp _app = null!;

    public async ValueTask InitializeAsync() => _app = await TestApp.StartAsync(DatabaseKind.Sqlite);

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task KeysCreate_PrintsTheSecretAloneOnTheLastLine_AndThatKeyWorks()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = await KeysCommand.RunAsync(["keys", "create", "--role", "manager", "--name", "first manager"], _app.Services, output, error);

        Assert.Equal(0, exit);
        var secret = output.ToString().TrimEnd().Split('\n')[^1];
        Assert.StartsWith("nae_", secret, StringComparison.Ordinal);
        Assert.DoesNotContain(' ', secret);
        var keys = await (await _app.Client(secret).GetAsync("/api/v1/keys")).ExpectAsync(HttpStatusCode.OK);
        Assert.Contains(keys.Items(), k => k.Text("name") == "first manager" && k.Text("role") == "manager");
    }

    [Fact]
    public async Task KeysCreate_ForATeam_BindsTheKeyToIt()
    {
        await new Programme(_app.Manager).TeamAsync("upstage");
        using var output = new StringWriter();

        var exit = await KeysCommand.RunAsync(["keys", "create", "--role", "team", "--name", "ci", "--team", "upstage"], _app.Services, output, TextWriter.Null);

        Assert.Equal(0, exit);
        var team = _app.Client(output.ToString().TrimEnd().Split('\n')[^1]);
        Assert.Equal(["upstage"], (await (await team.GetAsync("/api/v1/teams")).ExpectAsync(HttpStatusCode.OK)).Items().Select(t => t.Text("code")));
    }

    [Theory]
    [InlineData("keys")]
    [InlineData("keys list")]
    [InlineData("keys create --name x")]
    [InlineData("keys create --role root --name x")]
    public async Task KeysCreate_WithBadArguments_PrintsUsage_AndExits2(string command)
    {
        using var error = new StringWriter();

        var exit = await KeysCommand.RunAsync(command.Split(' '), _app.Services, TextWriter.Null, error);

        Assert.Equal(2, exit);
        Assert.Contains("usage:", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeysCreate_ForAnUnknownTeam_Exits1_WithTheReason()
    {
        using var error = new StringWriter();

        var exit = await KeysCommand.RunAsync(["keys", "create", "--role", "team", "--name", "x", "--team", "ghost"], _app.Services, TextWriter.Null, error);

        Assert.Equal(1, exit);
        Assert.Contains("ghost", error.ToString(), StringComparison.Ordinal);
    }
}
