namespace NationalAiEval.Core.Equality;

/// <summary>What the ledger and the participation record say one participation was given.</summary>
public sealed record GrantedTerms(string Team, long GrantedMilliEghSeconds, long GrantedDataKrw, int WindowDays);

public sealed record EqualityVerdict(
    bool AllEqual, bool EntitlementsEqual, bool DataGrantsEqual, bool DurationsEqual, IReadOnlyList<string> Discrepancies);

/// <summary>
/// The ledger invariant behind api-docs/DEFINITIONS.md#equal-entitlement: every participation of a stage was granted exactly the stage's
/// entitlement and data grant, and has a window of exactly the stage's duration in days.
/// </summary>
public static class EqualityProof
{
    public static EqualityVerdict Evaluate(
        long stageEntitlementMilliEghSeconds, long stageDataGrantKrw, int stageDurationDays, IReadOnlyList<GrantedTerms> participations)
    {
        ArgumentNullException.ThrowIfNull(participations);
        var discrepancies = new List<string>();
        foreach (var p in participations)
        {
            if (p.GrantedMilliEghSeconds != stageEntitlementMilliEghSeconds)
            {
                discrepancies.Add($"{p.Team}: granted {p.GrantedMilliEghSeconds} milli-EGH-seconds, stage entitlement is {stageEntitlementMilliEghSeconds}");
            }

            if (p.GrantedDataKrw != stageDataGrantKrw)
            {
                discrepancies.Add($"{p.Team}: granted data KRW {p.GrantedDataKrw}, stage grant is {stageDataGrantKrw}");
            }

            if (p.WindowDays != stageDurationDays)
            {
                discrepancies.Add($"{p.Team}: window of {p.WindowDays} days, stage duration is {stageDurationDays}");
            }
        }

        var entitlements = participations.All(p => p.GrantedMilliEghSeconds == stageEntitlementMilliEghSeconds);
        var data = participations.All(p => p.GrantedDataKrw == stageDataGrantKrw);
        var durations = participations.All(p => p.WindowDays == stageDurationDays);
        return new EqualityVerdict(entitlements && data && durations, entitlements, data, durations, discrepancies);
    }
}
