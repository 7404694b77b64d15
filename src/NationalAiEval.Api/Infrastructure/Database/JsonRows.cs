using System.Buffers;
using System.Text;
using System.Text.Json;

namespace NationalAiEval.Api.Infrastructure.Database;

/// <summary>
/// Many rows as one JSON array of arrays, for statements that take a whole batch in one parameter (SQLite's
/// <c>json_each</c>, SQL Server's <c>OPENJSON</c>): one round trip and one statement instead of one per row.
/// </summary>
public static class JsonRows
{
    public static string Write<T>(IEnumerable<T> rows, Action<Utf8JsonWriter, T> writeRow)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(writeRow);
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            foreach (var row in rows)
            {
                json.WriteStartArray();
                writeRow(json, row);
                json.WriteEndArray();
            }

            json.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
