using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http.Json;
using NationalAiEval.Api.Admission;
using NationalAiEval.Api.Allocations;
using NationalAiEval.Api.Audit;
using NationalAiEval.Api.Auth;
using NationalAiEval.Api.Dashboard;
using NationalAiEval.Api.DataGrants;
using NationalAiEval.Api.Demo;
using NationalAiEval.Api.Enforcement;
using NationalAiEval.Api.Flags;
using NationalAiEval.Api.Forecast;
using NationalAiEval.Api.Idle;
using NationalAiEval.Api.Infrastructure.Database;
using NationalAiEval.Api.Infrastructure.Http;
using NationalAiEval.Api.Infrastructure.Jobs;
using NationalAiEval.Api.Infrastructure.Json;
using NationalAiEval.Api.Infrastructure.Limits;
using NationalAiEval.Api.Infrastructure.OpenApi;
using NationalAiEval.Api.Infrastructure.Programme;
using NationalAiEval.Api.Keys;
using NationalAiEval.Api.Ledger;
using NationalAiEval.Api.Participations;
using NationalAiEval.Api.Periods;
using NationalAiEval.Api.Planning;
using NationalAiEval.Api.Pools;
using NationalAiEval.Api.Quota;
using NationalAiEval.Api.Reconciliation;
using NationalAiEval.Api.Reports;
using NationalAiEval.Api.Stages;
using NationalAiEval.Api.Teams;
using NationalAiEval.Api.Usage;
using NationalAiEval.Api.Utilisation;
using NationalAiEval.Api.Weights;
using NodaTime;
using NodaTime.Text;

namespace NationalAiEval.Api.Infrastructure.Hosting;

/// <summary>Everything the service registers and maps, in one place so that Program.cs stays a table of contents.</summary>
public static class ServiceSetup
{
    public static void AddNationalAiEval(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var configuration = builder.Configuration;
        var database = DatabaseSettings.FromConfiguration(configuration, builder.Environment.ContentRootPath);

        services.AddSingleton(database);
        services.AddSingleton(ProgrammeSettings.FromConfiguration(configuration));
        services.AddSingleton(ClockFrom(configuration));
        services.AddSingleton<Db>();
        services.AddSingleton<Migrator>();
        services.AddSingleton<ReadinessState>();
        services.AddSingleton<AuditLog>();
        services.AddSingleton<AuditReader>();
        services.AddSingleton<LedgerWriter>();
        services.AddSingleton<LedgerReader>();
        services.AddSingleton<EndForfeits>();
        services.AddSingleton<ApiKeys>();
        services.AddSingleton<TeamStore>();
        services.AddSingleton<PoolStore>();
        services.AddSingleton<WeightStore>();
        services.AddSingleton<StageStore>();
        services.AddSingleton<StageEquality>();
        services.AddSingleton<Admissions>();
        services.AddSingleton<ParticipationReader>();
        services.AddSingleton<AllocationWriter>();
        services.AddSingleton<AllocationBook>();
        services.AddSingleton<QuotaCache>();
        services.AddSingleton<QuotaReader>();
        services.AddSingleton(IntakeSettings.FromConfiguration(configuration));
        services.AddSingleton<UsageWriter>();
        services.AddSingleton<UsageRecordBook>();
        services.AddSingleton<StagePlanner>();
        services.AddSingleton<SlurmLimits>();
        services.AddSingleton<DrawdownBook>();
        services.AddSingleton<TeamUsageReader>();
        services.AddSingleton<FlagWriter>();
        services.AddSingleton<UsageFlags>();
        services.AddSingleton<FlagBook>();
        services.AddSingleton<RecordQuarantine>();
        services.AddSingleton<UsageReconciler>();
        services.AddSingleton<Reattribution>();
        services.AddTransient<ReconcileUsageJob>();
        services.AddSingleton(IdleSettings.FromConfiguration(configuration));
        services.AddSingleton<IdleCalculator>();
        services.AddSingleton<IdleFlags>();
        services.AddTransient<DetectIdleJob>();
        services.AddTransient<RepriceIdleJob>();
        services.AddSingleton<DcgmWriter>();
        services.AddSingleton<PendingReadings>();
        services.AddSingleton<UtilisationReader>();
        services.AddSingleton<WasteReportReader>();
        services.AddSingleton<PeriodBook>();
        services.AddSingleton<ForecastReader>();
        services.AddSingleton<ForecastFlags>();
        services.AddTransient<ForecastJob>();
        services.AddSingleton<DemoLoader>();
        services.AddHostedService<StartupTasks>();

        services.Configure<JsonOptions>(options => JsonSetup.Configure(options.SerializerOptions));
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        services.AddProblemDetails(options => options.CustomizeProblemDetails = Problems.NameFrameworkProblem);
        services.AddExceptionHandler<ProblemExceptionHandler>();
        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorization(Policies.Register);
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: ["ready"]);
        services.AddOpenApiDocument();
        services.AddJobs(database);
        builder.AddLimits(LimitsSettings.FromConfiguration(configuration));
    }

    public static void UseNationalAiEval(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseSecurityHeaders();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseDashboard();
        app.UseTimeLimits();
        app.UseAuthentication();
        app.UseAuthenticationBeforeMediaType();
        app.UseLimits();
        app.UseAuthorization();
        app.UseOpenApiDocument();

        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });
        app.MapPools();
        app.MapWeights();
        app.MapTeams();
        app.MapStages();
        app.MapParticipations();
        app.MapAdmissions();
        app.MapAllocations();
        app.MapQuota();
        app.MapUsageIngestion();
        app.MapUsageRecords();
        app.MapTeamUsage();
        app.MapUtilisation();
        app.MapReports();
        app.MapPeriods();
        app.MapForecast();
        app.MapReconciliation();
        app.MapFlags();
        app.MapPlanning();
        app.MapEnforcement();
        app.MapDrawdowns();
        app.MapLedger();
        app.MapKeys();
        app.MapAudit();
        app.MapJobRuns();
        app.MapJobsDashboard();
    }

    /// <summary>The real clock, or with <c>Clock:Now</c> a clock that starts there and runs on (the demo's).</summary>
    private static IClock ClockFrom(ConfigurationManager configuration)
    {
        var start = configuration["Clock:Now"];
        if (string.IsNullOrWhiteSpace(start))
        {
            return NodaTime.SystemClock.Instance;
        }

        var parsed = InstantPattern.ExtendedIso.Parse(start);
        if (!parsed.Success)
        {
            throw new InvalidOperationException($"Clock:Now '{start}' is not an ISO-8601 instant such as 2026-05-15T00:00:00Z.");
        }

        return new ShiftedClock(NodaTime.SystemClock.Instance, parsed.Value);
    }
}
