namespace NationalAiEval.Api.Idle;

/// <summary>
/// The figures an idle fact holds, whether per hour (<c>idle_fact</c>, <c>idle_team_fact</c>), per UTC day (the day
/// sums) or frozen per month (<c>period_fact</c>): one list, so that every statement summing them names the same columns.
/// Suffixes say the unit: <c>_gs</c> GPU-seconds, <c>_num</c> GPU-seconds x KRW per GPU-hour, <c>_meg</c>
/// milli-EGH-seconds; low utilisation, a share of an hour's use, is in millionths of a GPU-second (<c>_ugs</c>) and
/// its money in thousandths (<c>_mnum</c>, so that month sums stay inside 64 bits).
/// </summary>
public static class IdleFactColumns
{
    /// <summary>A pool's figures.</summary>
    public static readonly IReadOnlyList<string> Pool =
    [
        "leased_gs", "allocated_gs", "used_gs", "excess_gs", "allocated_unused_gs", "unallocated_gs", "low_util_ugs",
        "leased_num", "used_num", "allocated_unused_num", "unallocated_num", "low_util_mnum",
        "leased_meg", "used_meg", "allocated_unused_meg", "unallocated_meg",
    ];

    /// <summary>A team's figures on a pool.</summary>
    public static readonly IReadOnlyList<string> Team =
    [
        "allocated_gs", "used_gs", "allocated_unused_gs", "low_util_ugs", "used_num", "allocated_unused_num", "low_util_mnum", "used_meg", "allocated_unused_meg",
        "excess_gs",
    ];

    public static string List(IReadOnlyList<string> columns) => string.Join(", ", columns);

    /// <summary><c>SUM(c)</c> of each column, named after it when <paramref name="named"/>.</summary>
    public static string Sums(IReadOnlyList<string> columns, bool named = true) =>
        string.Join(", ", columns.Select(c => named ? $"SUM({c}) AS {c}" : $"SUM({c})"));
}
