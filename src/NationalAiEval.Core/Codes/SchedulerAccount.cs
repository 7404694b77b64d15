using System.Text.RegularExpressions;

namespace NationalAiEval.Core.Codes;

/// <summary>A Slurm account or Kubernetes namespace name as schedulers report it.</summary>
public static partial class SchedulerAccount
{
    public const string Rule = "1-64 characters: letters, digits, '.', '_', '-' or '@'";

    public static bool IsValid(string? account) => account is not null && AccountPattern().IsMatch(account);

    [GeneratedRegex("^[A-Za-z0-9._@-]{1,64}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex AccountPattern();
}
