using NationalAiEval.Core.Units;
using NodaTime;

namespace NationalAiEval.Core.Quota;

public enum QuotaStatus
{
    OnTrack,
    AtRiskOfUnused,
    WillExhaustEarly,
    Exhausted,

    /// <summary>The participation has ended, or its window is over: nothing remains to use and nothing is projected.</summary>
    Ended,
}

/// <summary>
/// What a projection needs: amounts in milli-EGH-seconds, the window, when the team may first use GPUs (its window's
/// start or its eligibility date, whichever is later), the usage of the last 7 and 30 days, and what is allocated ahead.
/// </summary>
public sealed record QuotaProjectionInput(
    long EntitlementMilliEghSeconds, long UsedMilliEghSeconds, Interval Window, Instant PaceStart, Instant Now, bool Ended,
    long UsedLast7DaysMilliEghSeconds, long UsedLast30DaysMilliEghSeconds, long AllocatedAheadMilliEghSeconds);

/// <summary>
/// What remains (never below zero), what was used beyond the entitlement, burn rates in equivalent GPU-hours per day;
/// the exhaustion instant when the 7-day pace would use everything before the window ends; what the same pace would
/// leave unused at the window's end.
/// </summary>
public sealed record QuotaProjectionResult(
    long RemainingMilliEghSeconds, decimal BurnRate7DaysGpuHoursPerDay, decimal BurnRate30DaysGpuHoursPerDay,
    Instant? ProjectedExhaustion, long ProjectedUnusedMilliEghSeconds, QuotaStatus Status, long ExceededMilliEghSeconds = 0);

/// <summary>
/// Use-it-or-lose-it forecasting for one participation. The pace is the last 7 days' (the 30-day pace is shown beside
/// it); the days counted are those since the team could use GPUs, so a team three days in is judged on three days.
/// Before that there is no pace to judge: the question is whether enough is allocated ahead to use the remainder.
/// </summary>
public static class QuotaProjection
{
    /// <summary>A participation is "at risk of unused" when its pace would leave more than this share of the entitlement.</summary>
    public const decimal UnusedRiskShare = 0.05m;

    /// <summary>The pace that projects (7 days), and the one shown beside it (30 days).</summary>
    public static readonly Duration PaceShort = Duration.FromDays(7);

    public static readonly Duration PaceLong = Duration.FromDays(30);

    /// <summary>
    /// Where a pace window of <paramref name="span"/> ending now starts: at the start of the UTC hour <paramref name="span"/>
    /// ago, because usage is kept in whole UTC hours (api-docs/DEFINITIONS.md#pace). The window holds that hour whole and
    /// is divided by its exact length, so no usage is left out and none counted twice.
    /// </summary>
    public static Instant PaceSince(Instant now, Duration span)
    {
        var since = (now - span).ToUnixTimeSeconds();
        return Instant.FromUnixTimeSeconds(Usage.HourlyBuckets.HourOf(since));
    }

    public static QuotaProjectionResult Project(QuotaProjectionInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var remaining = checked(input.EntitlementMilliEghSeconds - input.UsedMilliEghSeconds);
        var exceeded = Math.Max(0, -remaining);
        var seconds7 = ElapsedInWindow(input, PaceShort);
        var seconds30 = ElapsedInWindow(input, PaceLong);
        var burn7 = PerDay(input.UsedLast7DaysMilliEghSeconds, seconds7);
        var burn30 = PerDay(input.UsedLast30DaysMilliEghSeconds, seconds30);
        if (input.Ended || input.Now >= input.Window.End)
        {
            // After an end or the window's close nothing more may be used: no remainder, no projection, no risk.
            return new(0, burn7, burn30, null, 0, QuotaStatus.Ended, exceeded);
        }

        if (remaining <= 0)
        {
            return new(0, burn7, burn30, null, 0, QuotaStatus.Exhausted, exceeded);
        }

        if (input.Now < input.PaceStart && !input.Ended)
        {
            var unplanned = Math.Max(0, remaining - input.AllocatedAheadMilliEghSeconds);
            var unplannedIsLarge = unplanned > input.EntitlementMilliEghSeconds * UnusedRiskShare;
            return new(remaining, burn7, burn30, null, unplanned, unplannedIsLarge ? QuotaStatus.AtRiskOfUnused : QuotaStatus.OnTrack);
        }

        var from = input.Now > input.Window.Start ? input.Now : input.Window.Start;
        var secondsLeft = input.Ended || input.Now >= input.Window.End ? 0L : (long)(input.Window.End - from).TotalSeconds;
        if (input.UsedLast7DaysMilliEghSeconds > 0 && seconds7 > 0)
        {
            // remaining / (used7 / seconds7), rounded up to the second: integer arithmetic in 128 bits.
            var secondsToExhaustion = (long)(((Int128)remaining * seconds7 + input.UsedLast7DaysMilliEghSeconds - 1) / input.UsedLast7DaysMilliEghSeconds);
            if (secondsToExhaustion < secondsLeft)
            {
                return new(remaining, burn7, burn30, input.Now + Duration.FromSeconds(secondsToExhaustion), 0, QuotaStatus.WillExhaustEarly);
            }
        }

        var projectedUse = seconds7 > 0 ? (long)((Int128)input.UsedLast7DaysMilliEghSeconds * secondsLeft / seconds7) : 0;
        var unused = Math.Max(0, remaining - projectedUse);
        var atRisk = unused > input.EntitlementMilliEghSeconds * UnusedRiskShare;
        return new(remaining, burn7, burn30, null, unused, atRisk ? QuotaStatus.AtRiskOfUnused : QuotaStatus.OnTrack);
    }

    /// <summary>Seconds of the pace window of <paramref name="span"/> (see <see cref="PaceSince"/>) that lie inside the window (and before now).</summary>
    private static long ElapsedInWindow(QuotaProjectionInput input, Duration span)
    {
        var since = PaceSince(input.Now, span);
        var start = since > input.PaceStart ? since : input.PaceStart;
        var end = input.Now < input.Window.End ? input.Now : input.Window.End;
        return end > start ? (long)(end - start).TotalSeconds : 0;
    }

    private static decimal PerDay(long milliEghSeconds, long seconds) =>
        seconds == 0 ? 0 : decimal.Round(milliEghSeconds / (decimal)GpuTime.MilliEghSecondsPerEgh * 86400m / seconds, GpuTime.HourDecimals);
}
