using System.Globalization;
using NationalAiEval.Core.Codes;
using NationalAiEval.Core.Time;
using NodaTime;

namespace NationalAiEval.Core.Usage;

/// <summary>The limits every usage intake applies, whatever its format (configuration <c>Intake:*</c>).</summary>
public sealed record IntakeLimits(long MaxDurationSeconds, long LeaseToleranceSeconds)
{
    public static readonly IntakeLimits Default = new(60 * 86_400, 7 * 86_400);
}

/// <summary>A usage record as every intake format produces it, before it is stored: Unix seconds, until = where it stops counting.</summary>
public sealed record UsageCandidate(string ExternalId, string Account, long StartUnix, long UntilUnix, long Gpus);

/// <summary>The field of a record a fault concerns; each intake format names it in its own words (JSON field, sacct column).</summary>
public enum UsageField
{
    ExternalId,
    Account,
    Start,
    Until,
    Gpus,
}

public readonly record struct UsageFault(UsageField Field, string Message);

/// <summary>
/// The one validation of usage records, applied to every intake format (JSON, sacct text, and any added later) before
/// anything is stored, and again by reconciliation to records stored before these bounds existed
/// (api-docs/DEFINITIONS.md#intake-bounds). A record is accepted when its identity and account follow their grammar,
/// its instants lie in the programme's range and not in the future, it lasts no longer than the maximum duration,
/// it lies inside the pool's lease cover, and it holds no more GPUs than the pool ever leased at once.
/// </summary>
public static class UsageBounds
{
    public const int MaxExternalIdLength = 200;

    /// <summary>A provider's clock may run a little ahead of ours; more than this is usage that has not happened yet.</summary>
    public static readonly Duration AllowedClockSkew = Duration.FromMinutes(15);

    public static IReadOnlyList<UsageFault> Check(UsageCandidate record, LeaseCover cover, IntakeLimits limits, Instant now)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(cover);
        ArgumentNullException.ThrowIfNull(limits);
        var faults = new List<UsageFault>();
        if (record.ExternalId.Length is 0 or > MaxExternalIdLength || !PlainText.IsClean(record.ExternalId))
        {
            faults.Add(new(UsageField.ExternalId, $"must be 1-{MaxExternalIdLength} characters and {PlainText.Rule}."));
        }

        if (!SchedulerAccount.IsValid(record.Account))
        {
            faults.Add(new(UsageField.Account, $"must be {SchedulerAccount.Rule}."));
        }

        var inRange = true;
        foreach (var (field, value) in new[] { (UsageField.Start, record.StartUnix), (UsageField.Until, record.UntilUnix) })
        {
            if (value < SupportedRange.EarliestUnix || value >= SupportedRange.LatestUnix)
            {
                faults.Add(new(field, $"must lie between {SupportedRange.Earliest} and {SupportedRange.Latest}."));
                inRange = false;
            }
        }

        if (record.Gpus < 1 || record.Gpus > cover.PeakGpus)
        {
            faults.Add(new(UsageField.Gpus, cover.IsEmpty
                ? "cannot be checked: the pool has no lease yet; usage is accepted once a lease is recorded."
                : $"must be between 1 and {cover.PeakGpus}, the most GPUs this pool leases at any one time."));
        }

        if (!inRange)
        {
            return faults;
        }

        if (record.UntilUnix < record.StartUnix)
        {
            faults.Add(new(UsageField.Until, "may not be before the start."));
            return faults;
        }

        var latest = (now + AllowedClockSkew).ToUnixTimeSeconds();
        if (record.UntilUnix > latest)
        {
            faults.Add(new(UsageField.Until, $"lies in the future ({Instant.FromUnixTimeSeconds(record.UntilUnix)}); usage can only be reported once it has happened."));
        }

        if (record.UntilUnix - record.StartUnix > limits.MaxDurationSeconds)
        {
            faults.Add(new(UsageField.Until, $"is {Days(record.UntilUnix - record.StartUnix)} days after the start; a record may last at most {Days(limits.MaxDurationSeconds)} days."));
        }
        else if (!cover.Contains(record.StartUnix, record.UntilUnix))
        {
            faults.Add(new(UsageField.Start, cover.IsEmpty
                ? "cannot be accepted: the pool has no lease yet."
                : $"the record ({Instant.FromUnixTimeSeconds(record.StartUnix)} to {Instant.FromUnixTimeSeconds(record.UntilUnix)}) lies outside the pool's leases by more than {Days(limits.LeaseToleranceSeconds)} days."));
        }

        return faults;
    }

    /// <summary>
    /// Why a reading taken at one instant (a DCGM sample) may not be stored, or null: the same range, future and lease
    /// rules as a record's, for a record of no length.
    /// </summary>
    public static string? CheckInstant(long atUnix, LeaseCover cover, IntakeLimits limits, Instant now)
    {
        ArgumentNullException.ThrowIfNull(cover);
        ArgumentNullException.ThrowIfNull(limits);
        if (atUnix < SupportedRange.EarliestUnix || atUnix >= SupportedRange.LatestUnix)
        {
            return $"its time must lie between {SupportedRange.Earliest} and {SupportedRange.Latest}.";
        }

        if (atUnix > (now + AllowedClockSkew).ToUnixTimeSeconds())
        {
            return $"it is dated {Instant.FromUnixTimeSeconds(atUnix)}, in the future.";
        }

        return cover.Contains(atUnix, atUnix)
            ? null
            : $"it is dated {Instant.FromUnixTimeSeconds(atUnix)}, outside the pool's leases by more than {Days(limits.LeaseToleranceSeconds)} days.";
    }

    /// <summary>
    /// Why a stored record cannot be counted, or null when it can: the supported range, the maximum duration, and the
    /// pool's peak (lease lines are only ever added, so a record accepted within them stays within them; the cover is
    /// not checked again, because detect-idle ignores hours outside it anyway). Reconciliation quarantines such a
    /// record instead of letting it stall every other one.
    /// </summary>
    public static string? WhyNotCountable(long startUnix, long untilUnix, long gpus, long peakGpus, IntakeLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        if (startUnix < SupportedRange.EarliestUnix || untilUnix >= SupportedRange.LatestUnix || startUnix >= SupportedRange.LatestUnix || untilUnix < SupportedRange.EarliestUnix)
        {
            return $"its start or end lies outside {SupportedRange.Earliest} to {SupportedRange.Latest}";
        }

        if (untilUnix < startUnix)
        {
            return "it ends before it starts";
        }

        if (untilUnix - startUnix > limits.MaxDurationSeconds)
        {
            return $"it lasts {Days(untilUnix - startUnix)} days, more than the {Days(limits.MaxDurationSeconds)} a record may last";
        }

        return gpus < 1 || gpus > peakGpus ? $"it holds {gpus} GPUs, and the pool never leased more than {peakGpus} at once" : null;
    }

    private static string Days(long seconds) => (seconds / 86_400m).ToString("0.##", CultureInfo.InvariantCulture);
}
