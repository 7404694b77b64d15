using System.Net;
using NationalAiEval.Api.Keys;
using NationalAiEval.Api.Tests.Infrastructure;

namespace NationalAiEval.Api.Tests.Security;

public abstract class KeysCommandTests(DatabaseKind kind) : ApiTest(kind)
{
    [Fact]
    public async Task KeysCreate_PrintsTheSecretAloneOnTheLastLine_AndThatKeyWorks()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = await KeysCommand.RunAsync(["keys", "create", "--role", "manager", "--name", "first manager"], App.Services, output, error);

        Assert.Equal(0, exit);
        var secret = output.ToString().TrimEnd().Split('\n')[^1];
        Assert.StartsWith("nae_", secret, StringComparison.Ordinal);
        Assert.DoesNotContain(' ', secret);
        var keys = await (await App.Client(secret).GetAsync("/api/v1/keys")).ExpectAsync(HttpStatusCode.OK);
        Assert.Contains(keys.Items(), k => k.Text("name") == "first manager" && k.Text("role") == "manager");
    }

    [Fact]
    public async Task KeysCreate_ForATeam_BindsTheKeyToIt()
    {
        await Programme.TeamAsync("upstage");
        using var output = new StringWriter();

        var exit = await KeysCommand.RunAsync(["keys", "create", "--role", "team", "--name", "ci", "--team", "upstage"], App.Services, output, TextWriter.Null);

        Assert.Equal(0, exit);
        var team = App.Client(output.ToString().TrimEnd().Split('\n')[^1]);
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

        var exit = await KeysCommand.RunAsync(command.Split(' '), App.Services, TextWriter.Null, error);

        Assert.Equal(2, exit);
        Assert.Contains("usage:", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeysCreate_ForAnUnknownTeam_Exits1_WithTheReason()
    {
        using var error = new StringWriter();

        var exit = await KeysCommand.RunAsync(["keys", "create", "--role", "team", "--name", "x", "--team", "ghost"], App.Services, TextWriter.Null, error);

        Assert.Equal(1, exit);
        Assert.Contains("ghost", error.ToString(), StringComparison.Ordinal);
    }
}

public sealed class KeysCommandOnSqlite() : KeysCommandTests(DatabaseKind.Sqlite);

public sealed class KeysCommandOnSqlServer() : KeysCommandTests(DatabaseKind.SqlServer);
