using NodaTime;

namespace NationalAiEval.Core.Allocations;

public enum ParticipationStatus
{
    Active,
    Eliminated,
    Withdrawn,
}

/// <summary>What an allocation for one participation must respect (api-docs/DEFINITIONS.md#eligibility).</summary>
public sealed record ParticipationTerms(
    Interval Window,
    Instant? EligibleFrom,
    IReadOnlySet<long> ExcludedPoolIds,
    ParticipationStatus Status,
    Instant? EndedAt);
