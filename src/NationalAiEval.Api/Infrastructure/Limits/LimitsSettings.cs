namespace NationalAiEval.Api.Infrastructure.Limits;

/// <summary>
/// What one request and one key may take (<c>Limits:*</c> and <c>RateLimit:*</c> settings): the largest body (larger
/// for the text uploads of schedulers), how long a request may run, and how many requests a key may make: a bucket of
/// <see cref="Burst"/> requests refilled with <see cref="Requests"/> every <see cref="WindowSeconds"/>.
/// </summary>
public sealed record LimitsSettings(
    long MaxBodyBytes, long MaxUploadBytes, int RequestTimeoutSeconds, bool RateLimitEnabled, int Requests, int WindowSeconds, int Burst)
{
    public static LimitsSettings FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var settings = new LimitsSettings(
            configuration.GetValue("Limits:MaxBodyBytes", 32L * 1024 * 1024),
            configuration.GetValue("Limits:MaxUploadBytes", 128L * 1024 * 1024),
            configuration.GetValue("Limits:RequestTimeoutSeconds", 120),
            configuration.GetValue("RateLimit:Enabled", true),
            configuration.GetValue("RateLimit:Requests", 100),
            configuration.GetValue("RateLimit:WindowSeconds", 1),
            configuration.GetValue("RateLimit:Burst", 400));
        if (settings.MaxBodyBytes < 1024 || settings.MaxUploadBytes < settings.MaxBodyBytes || settings.RequestTimeoutSeconds < 1
            || settings.Requests < 1 || settings.WindowSeconds < 1 || settings.Burst < 1)
        {
            throw new InvalidOperationException(
                "Limits:MaxBodyBytes must be at least 1024 and at most Limits:MaxUploadBytes; Limits:RequestTimeoutSeconds, RateLimit:Requests, WindowSeconds and Burst must be positive.");
        }

        return settings;
    }
}
