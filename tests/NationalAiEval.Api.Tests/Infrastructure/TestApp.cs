using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using NationalAiEval.Api.Auth;
using NationalAiEval.Api.Keys;
using NodaTime;
using NodaTime.Testing;

namespace NationalAiEval.Api.Tests.Infrastructure;

/// <summary>
/// The real service in memory (the whole pipeline: auth, problem details, migrations at start) on a fresh database,
/// with a fake clock, and a manager key made the way the first key is made in production.
/// </summary>
public sealed class TestApp : IAsyncDisposable
{
    public static readonly Instant DefaultNow = Instant.FromUtc(2026, 1, 10, 0, 0);

    private readonly Factory _factory;
    private readonly bool _ownsDatabase;

    private TestApp(TestDatabase database, FakeClock clock, bool ownsDatabase, IReadOnlyDictionary<string, string?>? settings)
    {
        Database = database;
        Clock = clock;
        _ownsDatabase = ownsDatabase;
        _factory = new Factory(database, clock, settings ?? new Dictionary<string, string?>(), Logs);
    }

    /// <summary>Every log line the service wrote, at the level the settings allow (Warning unless NAE_TEST_LOG_LEVEL or a setting says otherwise).</summary>
    public CapturedLogs Logs { get; } = new();

    public TestDatabase Database { get; }

    public FakeClock Clock { get; }

    public HttpClient Manager { get; private set; } = null!;

    public IServiceProvider Services => _factory.Services;

    /// <summary>Starts the service on a new database, or on <paramref name="shared"/> to play a second instance.</summary>
    public static async Task<TestApp> StartAsync(
        DatabaseKind kind, Instant? now = null, TestDatabase? shared = null, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var app = new TestApp(shared ?? TestDatabase.Create(kind), new FakeClock(now ?? DefaultNow), shared is null, settings);
        var created = await app.Services.GetRequiredService<ApiKeys>()
            .CreateAsync(new CreateKeyRequest($"test manager {Guid.NewGuid():N}", Role.Manager, null, null), Caller.System("tests"), CancellationToken.None);
        app.Manager = app.Client(created.Secret);
        return app;
    }

    public HttpClient Anonymous() => _factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    public HttpClient Client(string secret)
    {
        var client = Anonymous();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        return client;
    }

    /// <summary>A new key of <paramref name="role"/>, made through the API by the manager.</summary>
    public async Task<string> KeyAsync(string role, string? team = null, params string[] pools)
    {
        var response = await Manager.PostJsonAsync("/api/v1/keys", new { name = $"{role} {Guid.NewGuid():N}", role, team, pools = pools.Length > 0 ? pools : null });
        var body = await response.ExpectAsync(System.Net.HttpStatusCode.Created);
        return body.GetProperty("secret").GetString()!;
    }

    public async Task<HttpClient> ClientAsync(string role, string? team = null, params string[] pools) => Client(await KeyAsync(role, team, pools));

    public async ValueTask DisposeAsync()
    {
        await _factory.DisposeAsync();
        if (_ownsDatabase)
        {
            await Database.DisposeAsync();
        }
    }

    private sealed class Factory(TestDatabase database, FakeClock clock, IReadOnlyDictionary<string, string?> settings, CapturedLogs logs)
        : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Testing");
            builder.UseSetting("Database:Provider", database.Kind.ToString());
            builder.UseSetting(database.Kind == DatabaseKind.Sqlite ? "ConnectionStrings:Sqlite" : "ConnectionStrings:SqlServer", database.ConnectionString);
            builder.UseSetting("Logging:LogLevel:Default", Environment.GetEnvironmentVariable("NAE_TEST_LOG_LEVEL") ?? "Warning");

            // The tests drive many requests from one key; their rate limit is tested on its own.
            builder.UseSetting("RateLimit:Enabled", "false");
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }

            builder.ConfigureTestServices(services =>
            {
                services.AddSingleton<IClock>(clock);
                services.AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider>(logs);
            });
        }
    }
}
