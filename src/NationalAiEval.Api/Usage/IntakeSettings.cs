using NationalAiEval.Core.Usage;

namespace NationalAiEval.Api.Usage;

/// <summary>
/// The intake bounds (<c>Intake:*</c> settings, api-docs/DEFINITIONS.md#intake-bounds): the longest a usage record may
/// last, and how far outside its pool's leases it may lie. Both bound the work that reconciliation and detect-idle do
/// for one record, whatever a provider sends.
/// </summary>
public static class IntakeSettings
{
    public static IntakeLimits FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var maxDays = configuration.GetValue("Intake:MaxRecordDays", IntakeLimits.Default.MaxDurationSeconds / 86_400);
        var toleranceDays = configuration.GetValue("Intake:LeaseToleranceDays", IntakeLimits.Default.LeaseToleranceSeconds / 86_400);
        if (maxDays is < 1 or > 366 || toleranceDays is < 0 or > 366)
        {
            throw new InvalidOperationException("Intake:MaxRecordDays must be 1-366 and Intake:LeaseToleranceDays 0-366.");
        }

        return new IntakeLimits(maxDays * 86_400, toleranceDays * 86_400);
    }
}
