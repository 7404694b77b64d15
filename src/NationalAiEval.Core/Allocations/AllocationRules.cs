using NodaTime;

namespace NationalAiEval.Core.Allocations;

public enum AllocationViolationKind
{
    ParticipationEnded,
    ExcludedPool,
    OutsideWindow,
    BeforeEligibility,
}

/// <summary>Why an allocation may not be made, with the instant or bound that it breaks.</summary>
public sealed record AllocationViolation(AllocationViolationKind Kind, string Message);

/// <summary>Eligibility rules for allocations: inside the window, after eligibility, not on an excluded pool, not after an elimination.</summary>
public static class AllocationRules
{
    /// <summary>The first rule that <paramref name="span"/> on <paramref name="poolId"/> breaks, or null when it is allowed.</summary>
    public static AllocationViolation? Check(ParticipationTerms terms, long poolId, Interval span)
    {
        ArgumentNullException.ThrowIfNull(terms);
        if (terms.Status != ParticipationStatus.Active && (terms.EndedAt is not { } ended || span.End > ended))
        {
            var verb = terms.Status == ParticipationStatus.Eliminated ? "eliminated" : "withdrawn";
            return new(AllocationViolationKind.ParticipationEnded,
                $"The team was {verb} effective {terms.EndedAt}; an allocation may not extend beyond that instant.");
        }

        if (terms.ExcludedPoolIds.Contains(poolId))
        {
            return new(AllocationViolationKind.ExcludedPool, "The team is excluded from this pool.");
        }

        if (span.Start < terms.Window.Start || span.End > terms.Window.End)
        {
            return new(AllocationViolationKind.OutsideWindow,
                $"The allocation must lie inside the participation window [{terms.Window.Start}, {terms.Window.End}).");
        }

        if (terms.EligibleFrom is { } eligible && span.Start < eligible)
        {
            return new(AllocationViolationKind.BeforeEligibility,
                $"The team may not receive GPUs before its eligibility date ({eligible}).");
        }

        return null;
    }
}
