using NationalAiEval.Core.Units;
using NodaTime;

namespace NationalAiEval.Core.Quota;

public enum QuotaStatus
{
    OnTrack,
    AtRiskOfUnused,
    WillExhaustEarly,
    Exhausted,
}

/// <summary>
/// What a projection needs: amounts in milli-EGH-seconds, the window, when the team may first use GPUs (its window's
/// start or its eligibility date, whichever is later), the usage of the last 7 and 30 days, and what is allocated ahead.
/// </summary>
public sealed record QuotaProjectionInput(
    long EntitlementMilliEghSeconds, long UsedMilliEghSeconds, Interval Window, Instant PaceStart, Instant Now, bool Ended,
    long UsedLast7DaysMilliEghSeconds, long UsedLast30DaysMilliEghSeconds, long AllocatedAheadMilliEghSeconds);

/// <summary>
/// Burn rates in equivalent GPU-hours per day; the exhaustion instant when the 7-day pace would use everything
/// before the window ends; what the same pace would leave unused at the window's end.
/// </summary>
public sealed record QuotaProjectionResult(
    long RemainingMilliEghSeconds, decimal BurnRate7DaysGpuHoursPerDay, decimal BurnRate30DaysGpuHoursPerDay,
    Instant? ProjectedExhaustion, long ProjectedUnusedMilliEghSeconds, QuotaStatus Status);

/// <summary>
/// Use-it-or-lose-it forecasting for one participation. The pace is the last 7 days' (the 30-day pace is shown beside
/// it); the days counted are those since the team could use GPUs, so a team three days in is judged on three days.
/// Before that there is no pace to judge: the question is whether enough is allocated ahead to use the remainder.
/// </summary>
public static class QuotaProjection
{
    /// <summary>A participation is "at risk of unused" when its pace would leave more than this share of the entitlement.</summary>
    public const decimal UnusedRiskShare = 0.05m;

    public static QuotaProjectionResult Project(QuotaProjectionInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var remaining = checked(input.EntitlementMilliEghSeconds - input.UsedMilliEghSeconds);
        var seconds7 = ElapsedInWindow(input, Duration.FromDays(7));
        var seconds30 = ElapsedInWindow(input, Duration.FromDays(30));
        var burn7 = PerDay(input.UsedLast7DaysMilliEghSeconds, seconds7);
        var burn30 = PerDay(input.UsedLast30DaysMilliEghSeconds, seconds30);
        if (remaining <= 0)
        {
            return new(remaining, burn7, burn30, null, 0, QuotaStatus.Exhausted);
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

    /// <summary>Seconds of the last <paramref name="span"/> that lie inside the window (and before now).</summary>
    private static long ElapsedInWindow(QuotaProjectionInput input, Duration span)
    {
        var start = input.Now - span > input.PaceStart ? input.Now - span : input.PaceStart;
        var end = input.Now < input.Window.End ? input.Now : input.Window.End;
        return end > start ? (long)(end - start).TotalSeconds : 0;
    }

    private static decimal PerDay(long milliEghSeconds, long seconds) =>
        seconds == 0 ? 0 : decimal.Round(milliEghSeconds / (decimal)GpuTime.MilliEghSecondsPerEgh * 86400m / seconds, GpuTime.HourDecimals);
}
