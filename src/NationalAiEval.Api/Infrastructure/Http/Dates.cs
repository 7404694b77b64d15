using NodaTime;
using NodaTime.Text;

namespace NationalAiEval.Api.Infrastructure.Http;

/// <summary>Programme dates are stored as ISO text ('yyyy-MM-dd'), which sorts and compares correctly as text.</summary>
public static class Dates
{
    public static string Text(LocalDate date) => LocalDatePattern.Iso.Format(date);

    public static LocalDate Parse(string text) => LocalDatePattern.Iso.Parse(text).GetValueOrThrow();

    public static LocalDate? ParseOptional(string? text) => text is null ? null : Parse(text);
}
