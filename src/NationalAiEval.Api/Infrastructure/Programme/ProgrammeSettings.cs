using NationalAiEval.Core.Planning;
using NodaTime;

namespace NationalAiEval.Api.Infrastructure.Programme;

/// <summary>
/// Programme-wide settings. The programme's zone reads weights' effective dates and is the default zone of new
/// stages (Asia/Seoul unless configured; api-docs/DEFINITIONS.md#months-and-hours). <see cref="MinimumNewLease"/> is
/// the shortest lease line the planner proposes on a pool that states no minimum of its own (one month unless
/// configured as <c>Programme:MinimumNewLease</c>). <see cref="PlanGranularity"/> is where plans may change allocations
/// unless a preview asks for another (whole days unless configured as <c>Programme:PlanGranularity</c>, <see cref="PlanSteps"/>).
/// </summary>
public sealed record ProgrammeSettings(DateTimeZone TimeZone, Period MinimumNewLease, Period? Granularity = null)
{
    public Period PlanGranularity => Granularity ?? Period.FromDays(1);

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

        var granularityText = configuration["Programme:PlanGranularity"] ?? "P1D";
        if (!PlanSteps.TryParse(granularityText, out var granularity))
        {
            throw new InvalidOperationException($"Programme:PlanGranularity '{granularityText}' must be {PlanSteps.Rule}.");
        }

        return new ProgrammeSettings(zone, minimum, granularity);
    }
}
