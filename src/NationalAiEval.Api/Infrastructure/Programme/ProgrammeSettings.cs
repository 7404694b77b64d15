using NationalAiEval.Core.Planning;
using NodaTime;

namespace NationalAiEval.Api.Infrastructure.Programme;

/// <summary>
/// Programme-wide settings. The programme's zone reads weights' effective dates and is the default zone of new
/// stages (Asia/Seoul unless configured; api-docs/DEFINITIONS.md#months-and-hours). <see cref="MinimumNewLease"/> is
/// the shortest lease line the planner proposes on a pool that states no minimum of its own (one month unless
/// configured as <c>Programme:MinimumNewLease</c>).
/// </summary>
public sealed record ProgrammeSettings(DateTimeZone TimeZone, Period MinimumNewLease)
{
    public static ProgrammeSettings FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var id = configuration["Programme:TimeZone"] ?? "Asia/Seoul";
        var zone = DateTimeZoneProviders.Tzdb.GetZoneOrNull(id)
            ?? throw new InvalidOperationException($"Programme:TimeZone '{id}' is not an IANA time zone.");
        var minimumText = configuration["Programme:MinimumNewLease"] ?? "P1M";
        if (!NewLeaseTerms.TryParseMinimum(minimumText, out var minimum))
        {
            throw new InvalidOperationException($"Programme:MinimumNewLease '{minimumText}' must be {NewLeaseTerms.MinimumRule}.");
        }

        return new ProgrammeSettings(zone, minimum);
    }
}
