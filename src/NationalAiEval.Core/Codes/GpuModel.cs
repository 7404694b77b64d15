using System.Text.RegularExpressions;

namespace NationalAiEval.Core.Codes;

/// <summary>GPU model names (B200, H200, H100, ...) are compared upper-case so that "h100" and "H100" are one model.</summary>
public static partial class GpuModel
{
    public const string Rule = "1-32 characters: letters, digits, '.', '_' or '-' (for example 'B200')";

    public static bool IsValid(string? model) => model is not null && ModelPattern().IsMatch(model);

    public static string Normalise(string model) => model.Trim().ToUpperInvariant();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,31}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex ModelPattern();
}
