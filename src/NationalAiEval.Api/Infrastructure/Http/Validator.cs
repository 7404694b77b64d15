using NationalAiEval.Core.Codes;
using NationalAiEval.Core.Time;
using NodaTime;
using NodaTime.Text;

namespace NationalAiEval.Api.Infrastructure.Http;

/// <summary>
/// Collects every field error of a request before answering, so a client learns all of them at once. Each check
/// returns the value to use (or a placeholder when it failed); <see cref="ThrowIfInvalid"/> then answers 400.
/// </summary>
public sealed class Validator
{
    /// <summary>Instants are accepted from 2000 to 2100 (<see cref="SupportedRange"/>): earlier or later is a typo, not a lease.</summary>
    public static readonly Instant EarliestInstant = SupportedRange.Earliest;
    public static readonly Instant LatestInstant = SupportedRange.Latest;
    public static readonly LocalDate EarliestDate = SupportedRange.EarliestDate;
    public static readonly LocalDate LatestDate = SupportedRange.LatestDate;

    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool IsValid => _errors.Count == 0;

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var messages))
        {
            _errors[field] = messages = [];
        }

        messages.Add(message);
    }

    public void ThrowIfInvalid()
    {
        if (!IsValid)
        {
            throw Problems.Validation(_errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal));
        }
    }

    public string Code(string? value, string field)
    {
        if (value is null)
        {
            Add(field, "is required.");
        }
        else if (!Core.Codes.Code.IsValid(value))
        {
            Add(field, $"must be {Core.Codes.Code.Rule}.");
        }

        return value ?? string.Empty;
    }

    /// <summary>A name or one-line text: required, bounded, with no control or bidirectional override characters.</summary>
    public string Text(string? value, string field, int maxLength = 200)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            Add(field, "is required and may not be blank.");
            return string.Empty;
        }

        if (value.Length > maxLength)
        {
            Add(field, $"may be at most {maxLength} characters.");
        }

        if (!PlainText.IsClean(value))
        {
            Add(field, $"{PlainText.Rule}.");
        }

        return value.Trim();
    }

    /// <summary>Free text (a reason, a description): optional, bounded, may run over several lines.</summary>
    public string? OptionalText(string? value, string field, int maxLength = 1000)
    {
        if (value is not null && value.Length > maxLength)
        {
            Add(field, $"may be at most {maxLength} characters.");
        }

        if (!PlainText.IsClean(value, allowLineBreaks: true))
        {
            Add(field, $"{PlainText.MultiLineRule}.");
        }

        return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }

    public long Range(long? value, string field, long min, long max)
    {
        if (value is null)
        {
            Add(field, "is required.");
            return min;
        }

        if (value < min || value > max)
        {
            Add(field, $"must be between {min} and {max}.");
            return min;
        }

        return value.Value;
    }

    public T Required<T>(T? value, string field)
        where T : struct
    {
        if (value is null)
        {
            Add(field, "is required.");
            return default;
        }

        return value.Value;
    }

    /// <summary>An instant within the accepted years and on a whole second, the resolution of everything stored.</summary>
    public Instant Instant(Instant? value, string field)
    {
        if (value is null)
        {
            Add(field, "is required (ISO-8601 UTC, for example 2026-02-20T00:00:00Z).");
            return EarliestInstant;
        }

        return CheckInstant(value.Value, field);
    }

    public LocalDate Date(LocalDate? value, string field)
    {
        if (value is null)
        {
            Add(field, "is required (ISO-8601 date, for example 2026-02-20).");
            return EarliestDate;
        }

        return CheckDate(value.Value, field);
    }

    public LocalDate? OptionalDate(LocalDate? value, string field) => value is null ? null : CheckDate(value.Value, field);

    /// <summary>Reads an optional programme month (yyyy-MM) from the query string or a path.</summary>
    public YearMonth? QueryMonth(string? text, string field)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (ProgrammeMonths.TryParse(text, out var month))
        {
            return month;
        }

        Add(field, $"must be {ProgrammeMonths.Rule}.");
        return null;
    }

    /// <summary>Reads an optional instant from the query string (minimal APIs cannot bind NodaTime types there).</summary>
    public Instant? QueryInstant(string? text, string field)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        var parsed = InstantPattern.ExtendedIso.Parse(text);
        if (!parsed.Success || SupportedRange.NamesHour24(text))
        {
            Add(field, "must be an ISO-8601 UTC instant, for example 2026-02-20T00:00:00Z.");
            return null;
        }

        return CheckInstant(parsed.Value, field);
    }

    /// <summary>An optional minimum length of a new lease line (NewLeaseTerms.MinimumRule).</summary>
    public Period? OptionalLeaseMinimum(string? text, string field) =>
        OptionalPeriod(text, field, Core.Planning.NewLeaseTerms.TryParseMinimum, Core.Planning.NewLeaseTerms.MinimumRule);

    /// <summary>An optional plan granularity (PlanSteps.Rule).</summary>
    public Period? OptionalPlanGranularity(string? text, string field) =>
        OptionalPeriod(text, field, Core.Planning.PlanSteps.TryParse, Core.Planning.PlanSteps.Rule);

    private delegate bool PeriodParser(string? text, out Period period);

    /// <summary>An optional period read by a domain rule's parser; otherwise the field must be what the rule says.</summary>
    private Period? OptionalPeriod(string? text, string field, PeriodParser parse, string rule)
    {
        if (text is null)
        {
            return null;
        }

        if (parse(text, out var period))
        {
            return period;
        }

        Add(field, $"must be {rule}.");
        return null;
    }

    public void Ordered(Instant start, Instant end, string endField)
    {
        if (end <= start)
        {
            Add(endField, "must be after the start.");
        }
    }

    public T Enum<T>(T? value, string field)
        where T : struct, System.Enum
    {
        if (value is null)
        {
            Add(field, $"is required (one of {string.Join(", ", System.Enum.GetNames<T>().Select(n => n.ToLowerInvariant()))}).");
            return default;
        }

        if (!System.Enum.IsDefined(value.Value))
        {
            Add(field, "is not a known value.");
        }

        return value.Value;
    }

    private Instant CheckInstant(Instant value, string field)
    {
        if (value < EarliestInstant || value >= LatestInstant)
        {
            Add(field, "must be between 2000-01-01T00:00:00Z and 2100-01-01T00:00:00Z.");
            return EarliestInstant;
        }

        if (value.ToUnixTimeTicks() % NodaConstants.TicksPerSecond != 0)
        {
            Add(field, "must be a whole second.");
        }

        return value;
    }

    private LocalDate CheckDate(LocalDate value, string field)
    {
        if (value < EarliestDate || value > LatestDate)
        {
            Add(field, "must be between 2000-01-01 and 2099-12-31.");
            return EarliestDate;
        }

        return value;
    }
}
