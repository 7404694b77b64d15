using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NationalAiEval.Api.Auth;
using NationalAiEval.Api.Infrastructure.Hosting;
using NationalAiEval.Api.Keys;
using NodaTime;

namespace NationalAiEval.Benchmarks;

/// <summary>
/// The real service (the whole pipeline the product runs: Kestrel on 127.0.0.1, auth, problem details, migrations)
/// on its own SQLite file, with a clock started at <c>now</c>. Recurring jobs are off so that a job never fires in
/// the middle of a measurement; the benchmarks run them when they mean to. Rate limiting is off: it would measure
/// the limiter's refusals, not the work.
/// </summary>
public sealed class BenchService : IAsyncDisposable
{
    private readonly WebApplication _app;

    private BenchService(WebApplication app, string databasePath, Uri address)
    {
        _app = app;
        DatabasePath = databasePath;
        Address = address;
    }

    public string DatabasePath { get; }

    public Uri Address { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<BenchService> StartAsync(string databasePath, Instant now)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = "Sqlite",
            ["ConnectionStrings:Sqlite"] = $"Data Source={databasePath}",
            ["Clock:Now"] = now.ToString(),
            ["Urls"] = "http://127.0.0.1:0",
            ["Jobs:Recurring"] = "false",
            ["RateLimit:Enabled"] = "false",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
        });
        builder.Logging.ClearProviders();
        builder.AddNationalAiEval();
        var app = builder.Build();
        app.UseNationalAiEval();
        await app.StartAsync();
        return new BenchService(app, databasePath, new Uri(app.Urls.First()));
    }

    /// <summary>A key made the way the first key is made in production (not through HTTP: no key exists yet).</summary>
    public async Task<string> KeyAsync(Role role, string? team = null, IReadOnlyList<string>? pools = null)
    {
        var keys = Services.GetRequiredService<ApiKeys>();
        var created = await keys.CreateAsync(new CreateKeyRequest($"bench {role} {Guid.NewGuid():N}", role, team, pools), Caller.System("benchmark"), CancellationToken.None);
        return created.Secret;
    }

    public HttpClient Client(string secret, int connections = 8)
    {
        var handler = new SocketsHttpHandler { MaxConnectionsPerServer = connections, PooledConnectionLifetime = TimeSpan.FromMinutes(30) };
        var client = new HttpClient(handler) { BaseAddress = Address, Timeout = TimeSpan.FromMinutes(10) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
