namespace NationalAiEval.Api.Usage;

/// <summary>
/// The intake formats a usage record can come from, as stored in <c>usage_record.source</c>. They are rows of the
/// <c>usage_source</c> table (migration 0011), which the column references: a new format is a constant here and a row
/// inserted by a migration, never a change to the records' table.
/// </summary>
public static class UsageSources
{
    public const string Json = "json";

    public const string Sacct = "sacct";

    public static readonly IReadOnlyList<string> All = [Json, Sacct];
}
