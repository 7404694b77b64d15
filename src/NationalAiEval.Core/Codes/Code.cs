using System.Text.RegularExpressions;

namespace NationalAiEval.Core.Codes;

/// <summary>
/// Manager-chosen codes that appear in URLs (<c>skt-haein-b200</c>, <c>upstage</c>, <c>stage-2</c>): lower-case
/// letters, digits and inner hyphens, 2 to 64 characters, so that they never need escaping and compare the same
/// under every database collation.
/// </summary>
public static partial class Code
{
    public const string Rule = "2-64 characters: lower-case letters, digits and inner hyphens (for example 'skt-haein-b200')";

    public static bool IsValid(string? code) => code is not null && CodePattern().IsMatch(code);

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,62}[a-z0-9]\\z", RegexOptions.CultureInvariant)]
    private static partial Regex CodePattern();
}
