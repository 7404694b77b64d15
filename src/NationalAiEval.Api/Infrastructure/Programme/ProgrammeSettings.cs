using NodaTime;

namespace NationalAiEval.Api.Infrastructure.Programme;

/// <summary>
/// Programme-wide settings. The programme's zone reads weights' effective dates and is the default zone of new
/// stages (Asia/Seoul unless configured; api-docs/DEFINITIONS.md#months-and-hours).
/// </summary>
public sealed record ProgrammeSettings(DateTimeZone TimeZone)
{
    public static ProgrammeSettings FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var id = configuration["Programme:TimeZone"] ?? "Asia/Seoul";
        var zone = DateTimeZoneProviders.Tzdb.GetZoneOrNull(id)
            ?? throw new InvalidOperationException($"Programme:TimeZone '{id}' is not an IANA time zone.");
        return new ProgrammeSettings(zone);
    }
}
