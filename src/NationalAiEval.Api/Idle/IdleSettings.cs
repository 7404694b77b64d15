namespace NationalAiEval.Api.Idle;

/// <summary>
/// When idle capacity becomes a flag (<c>Idle:*</c> settings): a pool whose idle share over the last
/// <see cref="WindowHours"/> exceeds <see cref="ThresholdPercent"/>, or a team leaving that share of its allocation
/// unused; and below which utilisation a used GPU counts as low-utilisation.
/// </summary>
public sealed record IdleSettings(int WindowHours, int ThresholdPercent, int LowUtilisationPercent)
{
    public static IdleSettings FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var settings = new IdleSettings(
            configuration.GetValue("Idle:WindowHours", 168),
            configuration.GetValue("Idle:ThresholdPercent", 20),
            configuration.GetValue("Idle:LowUtilisationPercent", 30));
        if (settings.WindowHours is < 1 or > 24 * 366 || settings.ThresholdPercent is < 0 or > 100 || settings.LowUtilisationPercent is < 0 or > 100)
        {
            throw new InvalidOperationException("Idle:WindowHours must be 1-8784, Idle:ThresholdPercent and Idle:LowUtilisationPercent 0-100.");
        }

        return settings;
    }
}
