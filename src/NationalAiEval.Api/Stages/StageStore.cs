using System.Globalization;
using NationalAiEval.Api.Audit;
using NationalAiEval.Api.Auth;
using NationalAiEval.Api.Infrastructure.Database;
using NationalAiEval.Api.Infrastructure.Http;
using NationalAiEval.Api.Infrastructure.Programme;
using NationalAiEval.Core.Units;
using NodaTime;

namespace NationalAiEval.Api.Stages;

/// <summary>
/// Stages and their terms: duration, entitlement in equivalent GPU-hours and data grant. The terms are frozen at the
/// first admission, because every participation must be granted the same (api-docs/DEFINITIONS.md#equal-entitlement).
/// </summary>
public sealed class StageStore(Db db, IClock clock, ProgrammeSettings programme, AuditLog audit)
{
    public const long MaxDurationDays = 3650;
    public const long MaxEntitlementGpuHours = 1_000_000_000_000;
    public const long MaxDataGrantKrw = 1_000_000_000_000_000;

    private static readonly Sql Insert = Sql.InsertReturningId(
        "stage",
        "code, name, start_date, duration_days, entitlement_milli_egh_s, data_grant_krw, time_zone, created_unix",
        "@Code, @Name, @StartDate, @DurationDays, @EntitlementMilliEghS, @DataGrantKrw, @TimeZone, @CreatedUnix");

    private static readonly Sql ListPage = Sql.FirstRows(
        "id, code, name, start_date, duration_days, entitlement_milli_egh_s, data_grant_krw, time_zone, version, created_unix",
        "FROM stage WHERE id > @After ORDER BY id");

    private static readonly Sql LockByCode = Sql.LockingRead($"""
        SELECT id, code, name, start_date, duration_days, entitlement_milli_egh_s, data_grant_krw, time_zone, version, created_unix
        FROM stage {Sql.RowLock} WHERE code = @Code
        """);

    private static readonly Sql CountParticipations = Sql.Portable("SELECT COUNT(*) FROM participation WHERE stage_id = @StageId");

    private static readonly Sql Update = Sql.Portable("""
        UPDATE stage SET name = @Name, start_date = @StartDate, duration_days = @DurationDays, entitlement_milli_egh_s = @EntitlementMilliEghS,
               data_grant_krw = @DataGrantKrw, time_zone = @TimeZone, version = version + 1
        WHERE id = @Id AND version = @Version
        """);

    public async Task<StageView> CreateAsync(CreateStageRequest request, Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var v = new Validator();
        var code = v.Code(request.Code, "code");
        var name = v.Text(request.Name, "name");
        var start = v.Date(request.StartDate, "startDate");
        var duration = v.Range(request.DurationDays, "durationDays", 1, MaxDurationDays);
        var entitlement = v.Range(request.EntitlementGpuHours, "entitlementGpuHours", 1, MaxEntitlementGpuHours);
        var dataGrant = v.Range(request.DataGrantKrw, "dataGrantKrw", 0, MaxDataGrantKrw);
        var zone = Zone(request.TimeZone, v) ?? programme.TimeZone;
        v.ThrowIfInvalid();

        await using var session = await db.WriteAsync(cancellationToken);
        if (await session.QuerySingleOrDefaultAsync<StageRow>(StageRow.ByCode, new { Code = code }, cancellationToken) is not null)
        {
            throw Problems.Conflict("duplicate-code", "A stage with this code exists.", $"Stage '{code}' already exists.");
        }

        var now = Unix.Now(clock);
        var row = new StageRow
        {
            Code = code,
            Name = name,
            StartDate = Dates.Text(start),
            DurationDays = duration,
            EntitlementMilliEghS = GpuTime.MilliEghSecondsFromEgh(entitlement),
            DataGrantKrw = dataGrant,
            TimeZone = zone.Id,
            Version = 1,
            CreatedUnix = Unix.Seconds(now),
        };
        var id = await session.QuerySingleAsync<long>(Insert, row, cancellationToken);
        var view = row.ToView();
        await audit.WriteAsync(session, caller, "stage.create", "stage", id.ToString(CultureInfo.InvariantCulture), null, view, cancellationToken);
        await session.CommitAsync(cancellationToken);
        return view;
    }

    public async Task<Page<StageView>> ListAsync(PageRequest page, CancellationToken cancellationToken)
    {
        await using var session = await db.ReadAsync(cancellationToken);
        var rows = (await session.QueryAsync<StageRow>(ListPage, new { page.After, page.Take }, cancellationToken)).ToList();
        return page.Cut(rows, r => r.Id, r => r.ToView());
    }

    public async Task<(StageView View, long Version)> GetAsync(string code, CancellationToken cancellationToken)
    {
        await using var session = await db.ReadAsync(cancellationToken);
        var row = await session.QuerySingleOrDefaultAsync<StageRow>(StageRow.ByCode, new { Code = code }, cancellationToken)
            ?? throw Problems.NotFound("stage", code);
        return (row.ToView(), row.Version);
    }

    public async Task<(StageView View, long Version)> UpdateAsync(
        string code, UpdateStageRequest request, IfMatch ifMatch, Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var v = new Validator();
        var name = request.Name is null ? null : v.Text(request.Name, "name");
        var start = v.OptionalDate(request.StartDate, "startDate");
        var duration = request.DurationDays is null ? (long?)null : v.Range(request.DurationDays, "durationDays", 1, MaxDurationDays);
        var entitlement = request.EntitlementGpuHours is null ? (long?)null : v.Range(request.EntitlementGpuHours, "entitlementGpuHours", 1, MaxEntitlementGpuHours);
        var dataGrant = request.DataGrantKrw is null ? (long?)null : v.Range(request.DataGrantKrw, "dataGrantKrw", 0, MaxDataGrantKrw);
        var zone = Zone(request.TimeZone, v);
        v.ThrowIfInvalid();

        await using var session = await db.WriteAsync(cancellationToken);
        var row = await session.QuerySingleOrDefaultAsync<StageRow>(LockByCode, new { Code = code }, cancellationToken)
            ?? throw Problems.NotFound("stage", code);
        ETags.RequireMatch(ifMatch, row.Version);
        var changesTerms = start is not null || duration is not null || entitlement is not null || dataGrant is not null || zone is not null;
        if (changesTerms && await session.ExecuteScalarAsync<long>(CountParticipations, new { StageId = row.Id }, cancellationToken) > 0)
        {
            throw Problems.Conflict("terms-frozen", "The stage's terms are frozen.",
                "Teams have been admitted to this stage: its start, duration, entitlement, data grant and zone can no longer change, so that every team keeps the same terms.");
        }

        var updated = new StageRow
        {
            Id = row.Id,
            Code = row.Code,
            Name = name ?? row.Name,
            StartDate = start is { } s ? Dates.Text(s) : row.StartDate,
            DurationDays = duration ?? row.DurationDays,
            EntitlementMilliEghS = entitlement is { } e ? GpuTime.MilliEghSecondsFromEgh(e) : row.EntitlementMilliEghS,
            DataGrantKrw = dataGrant ?? row.DataGrantKrw,
            TimeZone = zone?.Id ?? row.TimeZone,
            Version = row.Version,
            CreatedUnix = row.CreatedUnix,
        };
        await session.ExecuteAsync(Update, updated, cancellationToken);
        await audit.WriteAsync(session, caller, "stage.update", "stage", row.Id.ToString(CultureInfo.InvariantCulture), row.ToView(), updated.ToView(), cancellationToken);
        await session.CommitAsync(cancellationToken);
        return (updated.ToView(), row.Version + 1);
    }

    private static DateTimeZone? Zone(string? id, Validator v)
    {
        if (id is null)
        {
            return null;
        }

        var zone = DateTimeZoneProviders.Tzdb.GetZoneOrNull(id);
        if (zone is null)
        {
            v.Add("timeZone", "must be an IANA time zone, for example Asia/Seoul.");
        }

        return zone;
    }
}
