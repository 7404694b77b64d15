using NationalAiEval.Api.Demo;
using NationalAiEval.Api.Infrastructure.Hosting;
using NationalAiEval.Api.Keys;

// Verbs: "keys create ..." issues a key (the first manager key comes from here); "--demo" starts on fresh demo data.
var demo = args.Contains("--demo");
var hostArgs = KeysCommand.Handles(args) ? KeysCommand.Split(args).Configuration : args.Where(a => a != "--demo").ToArray();

var builder = WebApplication.CreateBuilder(hostArgs);
if (demo)
{
    builder.Configuration.AddInMemoryCollection(DemoLoader.Settings(builder.Configuration));
}

builder.AddNationalAiEval();
var app = builder.Build();

if (KeysCommand.Handles(args))
{
    return await KeysCommand.RunAsync(args, app.Services, Console.Out, Console.Error);
}

app.UseNationalAiEval();
await app.RunAsync();
return 0;

/// <summary>The entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
