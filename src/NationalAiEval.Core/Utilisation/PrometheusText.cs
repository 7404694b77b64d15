using System.Globalization;

namespace NationalAiEval.Core.Utilisation;

/// <summary>One sample of the Prometheus text exposition format: a metric, its labels, its value, and its timestamp if given.</summary>
public sealed record MetricSample(int LineNumber, string Name, IReadOnlyDictionary<string, string> Labels, double Value, long? TimestampMilliseconds);

/// <summary>A line that is not valid exposition text.</summary>
public sealed class PrometheusFormatException : FormatException
{
    public PrometheusFormatException(int lineNumber, string reason)
        : base($"line {lineNumber}: {reason}")
    {
        LineNumber = lineNumber;
        Reason = reason;
    }

    public PrometheusFormatException()
    {
        Reason = string.Empty;
    }

    public PrometheusFormatException(string message)
        : base(message)
    {
        Reason = message;
    }

    public PrometheusFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
        Reason = message;
    }

    public int LineNumber { get; }

    public string Reason { get; }
}

/// <summary>
/// Reads the Prometheus text exposition format (version 0.0.4), as NVIDIA's DCGM exporter serves it:
/// <c># HELP</c>/<c># TYPE</c> comments, and <c>name{label="value",...} value [timestamp-ms]</c> lines. Label values may
/// hold escaped quotes and backslashes; a label value is at most <see cref="MaxLabelValueLength"/> characters and holds
/// no control characters (an escaped newline included) or bidirectional overrides. Every line is checked; the first
/// bad one is named.
/// </summary>
public static class PrometheusText
{
    public const int MaxLabelValueLength = 1024;

    public static IEnumerable<MetricSample> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lineNumber = 0;
        foreach (var raw in text.Split('\n'))
        {
            lineNumber++;
            var line = raw.TrimEnd('\r');
            if (line.Trim().Length == 0 || line.TrimStart().StartsWith('#'))
            {
                continue;
            }

            yield return ParseLine(line, lineNumber);
        }
    }

    private static MetricSample ParseLine(string line, int lineNumber)
    {
        var position = 0;
        var name = ReadName(line, ref position, metric: true, lineNumber);
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (position < line.Length && line[position] == '{')
        {
            position++;
            while (true)
            {
                SkipSpaces(line, ref position);
                if (position < line.Length && line[position] == '}')
                {
                    position++;
                    break;
                }

                var label = ReadName(line, ref position, metric: false, lineNumber);
                SkipSpaces(line, ref position);
                Expect(line, ref position, '=', lineNumber);
                SkipSpaces(line, ref position);
                var value = ReadQuoted(line, ref position, lineNumber);
                if (value.Length > MaxLabelValueLength || !Codes.PlainText.IsClean(value))
                {
                    throw new PrometheusFormatException(lineNumber, $"label '{label}' must be at most {MaxLabelValueLength} characters and {Codes.PlainText.Rule}.");
                }

                if (!labels.TryAdd(label, value))
                {
                    throw new PrometheusFormatException(lineNumber, $"label '{label}' appears twice.");
                }

                SkipSpaces(line, ref position);
                if (position < line.Length && line[position] == ',')
                {
                    position++;
                    continue;
                }

                Expect(line, ref position, '}', lineNumber);
                break;
            }
        }

        var rest = line[position..].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (rest.Length is < 1 or > 2)
        {
            throw new PrometheusFormatException(lineNumber, "expected a value, and optionally a timestamp, after the metric.");
        }

        var sample = rest[0] switch
        {
            "NaN" => double.NaN,
            "+Inf" or "Inf" => double.PositiveInfinity,
            "-Inf" => double.NegativeInfinity,
            var number when double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) => parsed,
            var other => throw new PrometheusFormatException(lineNumber, $"'{other}' is not a number."),
        };
        long? timestamp = null;
        if (rest.Length == 2)
        {
            timestamp = long.TryParse(rest[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var ms)
                ? ms
                : throw new PrometheusFormatException(lineNumber, $"'{rest[1]}' is not a timestamp in milliseconds.");
        }

        return new MetricSample(lineNumber, name, labels, sample, timestamp);
    }

    private static string ReadName(string line, ref int position, bool metric, int lineNumber)
    {
        var start = position;
        while (position < line.Length && (char.IsAsciiLetterOrDigit(line[position]) || line[position] == '_' || (metric && line[position] == ':')))
        {
            position++;
        }

        if (position == start || char.IsAsciiDigit(line[start]))
        {
            throw new PrometheusFormatException(lineNumber, metric ? "a line must start with a metric name." : "expected a label name.");
        }

        return line[start..position];
    }

    private static string ReadQuoted(string line, ref int position, int lineNumber)
    {
        Expect(line, ref position, '"', lineNumber);
        var value = new System.Text.StringBuilder();
        while (position < line.Length && line[position] != '"')
        {
            if (line[position] == '\\' && position + 1 < line.Length)
            {
                value.Append(line[position + 1] switch
                {
                    'n' => '\n',
                    '"' => '"',
                    '\\' => '\\',
                    var other => throw new PrometheusFormatException(lineNumber, $"'\\{other}' is not an escape in a label value."),
                });
                position += 2;
                continue;
            }

            value.Append(line[position++]);
        }

        Expect(line, ref position, '"', lineNumber);
        return value.ToString();
    }

    private static void Expect(string line, ref int position, char expected, int lineNumber)
    {
        if (position >= line.Length || line[position] != expected)
        {
            throw new PrometheusFormatException(lineNumber, $"expected '{expected}' at column {position + 1}.");
        }

        position++;
    }

    private static void SkipSpaces(string line, ref int position)
    {
        while (position < line.Length && line[position] is ' ' or '\t')
        {
            position++;
        }
    }
}
