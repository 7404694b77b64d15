using NationalAiEval.Api.Infrastructure.Database;
using NationalAiEval.Api.Infrastructure.Http;
using NationalAiEval.Core.Units;
using NodaTime;

namespace NationalAiEval.Api.Stages;

public sealed class StageRow
{
    public static readonly Sql ByCode = Sql.Portable("""
        SELECT id, code, name, start_date, duration_days, entitlement_milli_egh_s, data_grant_krw, time_zone, version, created_unix
        FROM stage WHERE code = @Code
        """);

    public long Id { get; init; }
    public string Code { get; init; } = string.Empty;
    public string Name { get; init; } = string.Empty;
    public string StartDate { get; init; } = string.Empty;
    public long DurationDays { get; init; }
    public long EntitlementMilliEghS { get; init; }
    public long DataGrantKrw { get; init; }
    public string TimeZone { get; init; } = string.Empty;
    public long Version { get; init; }
    public long CreatedUnix { get; init; }

    public DateTimeZone Zone => DateTimeZoneProviders.Tzdb[TimeZone];

    public LocalDate Start => Dates.Parse(StartDate);

    public int Duration => checked((int)DurationDays);

    public StageView ToView() => new(
        Code, Name, Start, DurationDays, Start.PlusDays(Duration), GpuTime.ToEquivalentGpuHours(EntitlementMilliEghS),
        EntitlementMilliEghS, DataGrantKrw, TimeZone, Unix.Instant(CreatedUnix));
}
