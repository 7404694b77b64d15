using System.Text.RegularExpressions;

namespace NationalAiEval.Core.Codes;

/// <summary>
/// Names that come from Slurm and go back into <c>sacctmgr</c> commands: a cluster's name (<c>ClusterName</c> in
/// slurm.conf) and a job's id as <c>sacct</c> prints it. Both are checked against their grammar to the true end of the
/// text (<c>\z</c>, never <c>$</c>, which also matches before a final line feed), so no value can carry a line break
/// into a generated command or a stored identity.
/// </summary>
public static partial class SlurmNames
{
    public const string ClusterRule = "1-64 characters: letters, digits, '_' or '-'";

    public const string JobIdRule = "a Slurm job id: digits, optionally '_' and an array index (or a [range] of a pending array), '+' and a component, '.' and a step";

    public static bool IsCluster(string? name) => name is not null && ClusterPattern().IsMatch(name);

    /// <summary>
    /// The identity of a job's usage record built from <c>sacct</c> text: <c>[cluster/]JobID@Start</c>
    /// (api-docs/DEFINITIONS.md#job-identity). Written only here; the JobID itself is stored beside it (never read back out of it).
    /// </summary>
    public static string ExternalId(string? cluster, string jobId, NodaTime.Instant start) =>
        (string.IsNullOrEmpty(cluster) ? string.Empty : cluster + "/") + jobId + "@" + NodaTime.Text.InstantPattern.ExtendedIso.Format(start);

    /// <summary>A job id (<c>123</c>, <c>123_4</c>, <c>123_[1-5%2]</c>, <c>123+1</c>) or a step of one (<c>123.batch</c>, <c>123_4.0</c>, <c>123+1.extern</c>).</summary>
    public static bool IsJobId(string? id) => id is not null && JobIdPattern().IsMatch(id);

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex ClusterPattern();

    [GeneratedRegex("^[0-9]{1,20}(_[0-9]{1,10}|_\\[[0-9,%-]{1,100}\\])?(\\+[0-9]{1,10})?(\\.[A-Za-z0-9_-]{1,32})?\\z", RegexOptions.CultureInvariant)]
    private static partial Regex JobIdPattern();
}
