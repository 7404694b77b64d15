using NodaTime;

namespace NationalAiEval.Core.Time;

/// <summary>
/// The instants and dates the programme accepts anywhere (leases, stages, usage, queries): 2000 to 2100. Earlier or
/// later is a typo or an attack, not a lease or a job, and keeping every stored instant inside it keeps every
/// computation over hours bounded and every product of seconds and GPUs inside 64 bits.
/// </summary>
public static class SupportedRange
{
    public static readonly Instant Earliest = Instant.FromUtc(2000, 1, 1, 0, 0);

    public static readonly Instant Latest = Instant.FromUtc(2100, 1, 1, 0, 0);

    public static readonly LocalDate EarliestDate = new(2000, 1, 1);

    public static readonly LocalDate LatestDate = new(2099, 12, 31);

    public static readonly long EarliestUnix = Earliest.ToUnixTimeSeconds();

    public static readonly long LatestUnix = Latest.ToUnixTimeSeconds();

    public static bool Contains(Instant instant) => instant >= Earliest && instant < Latest;

    /// <summary>
    /// Whether ISO-8601 text names the hour 24 (<c>2026-01-01T24:00:00Z</c>). The standard allows it as the end of a day,
    /// and NodaTime reads it as the next midnight, but nothing a scheduler or a person here writes uses it: one instant
    /// gets one spelling, and text that says the 1st must not be stored as the 2nd.
    /// </summary>
    public static bool NamesHour24(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var t = text.IndexOf('T', StringComparison.Ordinal);
        return t >= 0 && text.Length >= t + 3 && text[t + 1] == '2' && text[t + 2] == '4';
    }
}
