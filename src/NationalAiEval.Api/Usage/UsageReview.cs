namespace NationalAiEval.Api.Usage;

/// <summary>
/// The review states of a usage record (<c>usage_record.review_state</c>; null means "counted as reported"). A
/// quarantined or voided record counts nothing; a corrected one counts the manager's values, and the provider's later
/// versions of it are not applied (api-docs/DEFINITIONS.md#quarantine).
/// </summary>
public static class UsageReview
{
    /// <summary>Set by reconciliation: the record breaks the intake bounds or could not be counted. Lifted by a correction, a void or a valid new version.</summary>
    public const string Quarantined = "quarantined";

    /// <summary>Set by a manager: the record does not count, whatever the provider sends for it later.</summary>
    public const string Voided = "voided";

    /// <summary>Set by a manager: the record counts with the manager's values, whatever the provider sends for it later.</summary>
    public const string Corrected = "corrected";

    public static bool Counts(string? state) => state is null or Corrected;
}
