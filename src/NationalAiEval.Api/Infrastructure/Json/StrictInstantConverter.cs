using System.Text.Json;
using System.Text.Json.Serialization;
using NationalAiEval.Core.Time;
using NodaTime;
using NodaTime.Text;

namespace NationalAiEval.Api.Infrastructure.Json;

/// <summary>
/// Instants as ISO-8601 UTC text, as NodaTime writes them, but read without the hour 24: <c>T24:00:00Z</c> would be
/// stored as the next day's midnight, a different day from the one the text names (see <see cref="SupportedRange.NamesHour24"/>).
/// </summary>
public sealed class StrictInstantConverter : JsonConverter<Instant>
{
    public override Instant Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        // Thrown without a message, System.Text.Json words it "could not be converted to NodaTime.Instant" with the
        // field's path, which the problem handler turns into "must be an ISO-8601 UTC instant".
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException();
        }

        var text = reader.GetString()!;
        var parsed = InstantPattern.ExtendedIso.Parse(text);
        if (!parsed.Success || SupportedRange.NamesHour24(text))
        {
            throw new JsonException();
        }

        return parsed.Value;
    }

    public override void Write(Utf8JsonWriter writer, Instant value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(InstantPattern.ExtendedIso.Format(value));
    }
}
