using NationalAiEval.Api.Admission;
using NationalAiEval.Api.Allocations;
using NationalAiEval.Api.Auth;
using NationalAiEval.Api.DataGrants;
using NationalAiEval.Api.Forecast;
using NationalAiEval.Api.Idle;
using NationalAiEval.Api.Infrastructure.Database;
using NationalAiEval.Api.Infrastructure.Http;
using NationalAiEval.Api.Keys;
using NationalAiEval.Api.Participations;
using NationalAiEval.Api.Periods;
using NationalAiEval.Api.Pools;
using NationalAiEval.Api.Reconciliation;
using NationalAiEval.Api.Stages;
using NationalAiEval.Api.Teams;
using NationalAiEval.Api.Usage;
using NationalAiEval.Core.Time;
using NodaTime;

namespace NationalAiEval.Api.Demo;

/// <summary>
/// <c>--demo</c>: a fresh SQLite file loaded with <see cref="DemoData"/> and <see cref="DemoUsage"/> through the same
/// services the API uses (usage reconciled, so quota, ledger and flags are alive; idle facts, idle and forecast flags
/// computed; months to March closed), and one key per role printed as shell <c>export</c> lines for the README tour.
/// </summary>
public sealed class DemoLoader(
    DatabaseSettings database, IConfiguration configuration, IHostEnvironment environment, PoolStore pools, TeamStore teams, StageStore stages,
    Admissions admissions, AllocationBook allocations, UsageWriter usage, UsageReconciler reconciler, DrawdownBook drawdowns, ApiKeys keys, IClock clock,
    IdleCalculator idleFacts, IdleFlags idleFlags, PeriodBook periods, ForecastFlags forecastFlags)
{
    private const string DefaultDatabasePath = "data/nationalaieval-demo.db";

    private static readonly DateTimeZone Seoul = DateTimeZoneProviders.Tzdb["Asia/Seoul"];

    /// <summary>Configuration the demo implies: its own SQLite file and a clock in the middle of stage 2.</summary>
    public static IReadOnlyDictionary<string, string?> Settings(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return new Dictionary<string, string?>
        {
            ["Demo:Enabled"] = "true",
            ["Database:Provider"] = nameof(DatabaseProvider.Sqlite),
            ["ConnectionStrings:Sqlite"] = $"Data Source={configuration["Demo:DatabasePath"] ?? DefaultDatabasePath}",
            ["Clock:Now"] = configuration["Clock:Now"] ?? configuration["Demo:Now"] ?? "2026-05-15T00:00:00Z",
        };
    }

    /// <summary>
    /// Deletes the demo database so that every demo start is fresh. It refuses unless the configured database is the
    /// demo's own file: <c>Demo:Enabled</c> set by mistake beside a real database must never wipe it.
    /// </summary>
    public void ResetDatabase()
    {
        var demoFile = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(DatabaseSettings.SqliteConnectionString(
            $"Data Source={configuration["Demo:DatabasePath"] ?? DefaultDatabasePath}", environment.ContentRootPath)).DataSource;
        if (database.Provider != DatabaseProvider.Sqlite || database.SqliteFilePath is not { } file || file != demoFile)
        {
            throw new InvalidOperationException(
                $"Demo:Enabled is set but the database is not the demo's own SQLite file ({demoFile}); refusing to reset it. Start the demo with --demo.");
        }

        foreach (var path in new[] { file, file + "-wal", file + "-shm" }.Where(File.Exists))
        {
            File.Delete(path);
        }
    }

    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        var demo = Caller.System("demo loader");
        foreach (var pool in DemoData.Pools)
        {
            await pools.CreateAsync(new CreatePoolRequest(pool.Code, pool.Name, pool.Provider, pool.GpuModel, 8), demo, cancellationToken);
            await pools.AddLeaseAsync(pool.Code, new CreateLeaseRequest(pool.Gpus, At(pool.LeaseFirstDay), At(pool.LeaseLastDay.PlusDays(1)),
                pool.KrwPerGpuHour, $"{pool.Provider} lease, demo"), demo, cancellationToken);
        }

        await stages.CreateAsync(new CreateStageRequest(DemoData.Stage, "Stage 2 (second evaluation)", DemoData.StageStart, DemoData.DurationDays,
            DemoData.EntitlementGpuHours, DemoData.DataGrantKrw, Seoul.Id), demo, cancellationToken);
        foreach (var team in DemoData.Teams)
        {
            await teams.CreateAsync(new CreateTeamRequest(team.Code, team.Name), demo, cancellationToken);
            await admissions.AdmitAsync(DemoData.Stage, new AdmitRequest(team.Code, team.JoinDate,
                Enum.Parse<ParticipationKind>(team.Kind, ignoreCase: true), team.EligibleFrom, team.ExcludedPools), demo, cancellationToken);
        }

        foreach (var (pool, account, team) in DemoData.Accounts)
        {
            await pools.MapAccountAsync(pool, account, new MapAccountRequest(team), demo, cancellationToken);
        }

        foreach (var allocation in DemoData.Allocations)
        {
            await allocations.CreateAsync(new CreateAllocationRequest(DemoData.Stage, allocation.Team, allocation.Pool, allocation.Gpus,
                At(allocation.From), At(allocation.To)), demo, cancellationToken);
        }

        foreach (var (pool, records) in DemoUsage.Generate(clock.GetCurrentInstant()))
        {
            await usage.WriteAsync(pool, records, UsageSources.Json, demo, cancellationToken);
        }

        await drawdowns.RecordAsync(DemoData.Stage, "lg-ai-research",
            new DrawdownRequest(800_000_000, "NIA AI Hub", "Korean legal and patent corpus licence", new LocalDate(2026, 3, 3)), demo, cancellationToken);
        await reconciler.RunAsync("demo loader", cancellationToken);
        await CloseAndAdjustAsync(demo, cancellationToken);
        await new DetectIdleJob(idleFacts, idleFlags).RunAsync(cancellationToken);
        await forecastFlags.EvaluateAsync("demo loader", cancellationToken);
        await PrintKeysAsync(demo, cancellationToken);
    }

    /// <summary>
    /// Finance has closed every month from the first lease to March 2026; then NAVER re-sends a February job it had
    /// missed, which the April report (the first open month) shows as an adjustment for February.
    /// </summary>
    private async Task CloseAndAdjustAsync(Caller demo, CancellationToken cancellationToken)
    {
        var finance = Caller.System("demo finance");
        foreach (var month in ProgrammeMonths.Range(new YearMonth(2025, 8), DemoData.LastClosedMonth))
        {
            await periods.CloseAsync(month, finance, cancellationToken);
        }

        var start = At(new LocalDate(2026, 2, 27)) + Duration.FromHours(9);
        await usage.WriteAsync("naver-h100", [new IncomingUsage("upstage/resent-2026-02-27", "upstage-solar", Unix.Seconds(start),
            Unix.Seconds(start + Duration.FromHours(6)), Unix.Seconds(start + Duration.FromHours(6)), 32, UsageOrigin.JsonRecord(0, endGiven: true))], UsageSources.Json, demo, cancellationToken);
        await reconciler.RunAsync("demo loader", cancellationToken);
    }

    private async Task PrintKeysAsync(Caller demo, CancellationToken cancellationToken)
    {
        var lines = new List<string>
        {
            $"export NAE_MANAGER_KEY={await SecretAsync(new CreateKeyRequest("demo manager", Role.Manager, null, null), demo, cancellationToken)}",
            $"export NAE_FINANCE_KEY={await SecretAsync(new CreateKeyRequest("demo finance", Role.Finance, null, null), demo, cancellationToken)}",
        };
        foreach (var team in DemoData.Teams)
        {
            var secret = await SecretAsync(new CreateKeyRequest($"demo {team.Code}", Role.Team, team.Code, null), demo, cancellationToken);
            lines.Add($"export NAE_TEAM_{team.KeySuffix}_KEY={secret}");
        }

        foreach (var pool in DemoData.Pools)
        {
            var secret = await SecretAsync(new CreateKeyRequest($"demo provider {pool.Code}", Role.Provider, null, [pool.Code]), demo, cancellationToken);
            lines.Add($"export NAE_PROVIDER_{pool.Code.Split('-')[0].ToUpperInvariant()}_KEY={secret}");
        }

        var writer = Console.Out;
        await writer.WriteLineAsync();
        await writer.WriteLineAsync($"Demo loaded: {DemoData.Stage}, {DemoData.Teams.Count} teams, {DemoData.Pools.Count} pools, {DemoData.Allocations.Count} allocations. Clock: {clock.GetCurrentInstant()}.");
        await writer.WriteLineAsync("Demo API keys (new on every start). Paste these lines into your shell:");
        foreach (var line in lines)
        {
            await writer.WriteLineAsync(line);
        }

        await writer.WriteLineAsync();
    }

    private async Task<string> SecretAsync(CreateKeyRequest request, Caller demo, CancellationToken cancellationToken) =>
        (await keys.CreateAsync(request, demo, cancellationToken)).Secret;

    private static Instant At(LocalDate date) => ParticipationWindow.StartOfDay(date, Seoul);
}
