namespace NationalAiEval.Api.Infrastructure.Http;

/// <summary>
/// Reads an enum from its name only (any case). <c>Enum.TryParse</c> also takes numbers ("1", "-5") and
/// comma-separated lists, which no client means and which would slip past validation.
/// </summary>
public static class EnumText
{
    public static bool TryParse<T>(string? text, out T value)
        where T : struct, Enum
    {
        var name = Enum.GetNames<T>().FirstOrDefault(n => string.Equals(n, text, StringComparison.OrdinalIgnoreCase));
        value = name is null ? default : Enum.Parse<T>(name);
        return name is not null;
    }
}
