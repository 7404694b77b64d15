using NodaTime;

namespace NationalAiEval.Api.Infrastructure.Http;

/// <summary>Instants are stored as Unix seconds; these two conversions are the only place that knows.</summary>
public static class Unix
{
    public static long Seconds(Instant instant) => instant.ToUnixTimeSeconds();

    public static Instant Instant(long seconds) => NodaTime.Instant.FromUnixTimeSeconds(seconds);

    public static Interval Interval(long startSeconds, long endSeconds) => new(Instant(startSeconds), Instant(endSeconds));

    /// <summary>The clock's reading to the whole second, as it will be stored, so that a response equals a later read.</summary>
    public static Instant Now(IClock clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        return Instant(Seconds(clock.GetCurrentInstant()));
    }
}
