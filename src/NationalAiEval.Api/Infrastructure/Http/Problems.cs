using Microsoft.AspNetCore.Mvc;

namespace NationalAiEval.Api.Infrastructure.Http;

/// <summary>
/// The problem types this API answers with. Every problem has a stable <c>type</c> URN, a title, a detail for
/// people, and where a field is at fault, <c>errors</c> keyed by the field's JSON name.
/// </summary>
public static class Problems
{
    public const string TypePrefix = "urn:nationalaieval:problem:";

    public static ProblemException Validation(string field, string message) =>
        Validation(new Dictionary<string, string[]> { [field] = [message] });

    public static ProblemException Validation(IDictionary<string, string[]> errors) =>
        new(new ValidationProblemDetails(errors)
        {
            Status = StatusCodes.Status400BadRequest,
            Type = TypePrefix + "validation",
            Title = "The request is not valid.",
            Detail = string.Join(" ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")),
        });

    /// <summary>422: well-formed, but a business rule forbids it. <paramref name="field"/> names the field at fault.</summary>
    public static ProblemException Unprocessable(
        string slug, string title, string detail, string? field = null, IDictionary<string, object?>? extensions = null)
    {
        var problem = field is null
            ? new ProblemDetails()
            : new ValidationProblemDetails(new Dictionary<string, string[]> { [field] = [detail] });
        problem.Status = StatusCodes.Status422UnprocessableEntity;
        problem.Type = TypePrefix + slug;
        problem.Title = title;
        problem.Detail = detail;
        return WithExtensions(problem, extensions);
    }

    public static ProblemException NotFound(string what, string code) =>
        new(new ProblemDetails
        {
            Status = StatusCodes.Status404NotFound,
            Type = TypePrefix + "not-found",
            Title = $"No such {what}.",
            Detail = $"There is no {what} '{code}', or it is not visible to this key.",
        });

    public static ProblemException Conflict(string slug, string title, string detail, IDictionary<string, object?>? extensions = null)
    {
        var problem = new ProblemDetails
        {
            Status = StatusCodes.Status409Conflict,
            Type = TypePrefix + slug,
            Title = title,
            Detail = detail,
        };
        return WithExtensions(problem, extensions);
    }

    /// <summary>A problem with the figures a client needs beside its text (the over-committed interval, the shortfalls).</summary>
    private static ProblemException WithExtensions(ProblemDetails problem, IDictionary<string, object?>? extensions)
    {
        foreach (var (key, value) in extensions ?? new Dictionary<string, object?>())
        {
            problem.Extensions[key] = value;
        }

        return new ProblemException(problem);
    }

    /// <summary>
    /// Problems the framework writes itself (an unknown route, a wrong method, a body over the size limit) get this
    /// service's stable types and plain titles, like every other problem.
    /// </summary>
    public static void NameFrameworkProblem(ProblemDetailsContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var problem = context.ProblemDetails;
        if (problem.Type is { } type && type.StartsWith(TypePrefix, StringComparison.Ordinal))
        {
            return;
        }

        (problem.Type, problem.Title, problem.Detail) = problem.Status switch
        {
            StatusCodes.Status404NotFound => (TypePrefix + "not-found", "Not found.", problem.Detail ?? "There is nothing at this address."),
            StatusCodes.Status405MethodNotAllowed => (TypePrefix + "method-not-allowed", "This method is not allowed here.", problem.Detail),
            StatusCodes.Status413PayloadTooLarge => (TypePrefix + "too-large", "The request body is too large.",
                problem.Detail ?? "The body is over this endpoint's size limit; send it in smaller batches."),
            _ => (problem.Type, problem.Title, problem.Detail),
        };
    }

    /// <summary>400 for text input (sacct, DCGM) with the line at fault, as a field <c>line N</c> and an extension <c>line</c>.</summary>
    public static ProblemException MalformedLine(int line, string message) => Lines(Validation($"line {line}", message), line);

    /// <summary>
    /// 400 for an upload with records that break the intake rules, each named as the client wrote it (a JSON field path,
    /// or <c>line N</c> of a text, which then also makes it a malformed-line problem naming the first such line).
    /// At most <see cref="MaxNamedFaults"/> are named, so that a bad upload of a million lines gets a bounded answer.
    /// </summary>
    public static ProblemException RefusedRecords(IReadOnlyList<(string Key, string Message, int? Line)> faults)
    {
        ArgumentNullException.ThrowIfNull(faults);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var group in faults.Take(MaxNamedFaults).GroupBy(f => f.Key, StringComparer.Ordinal))
        {
            errors[group.Key] = [.. group.Select(f => f.Message)];
        }

        if (faults.Count > MaxNamedFaults)
        {
            errors["records"] = [$"{faults.Count - MaxNamedFaults} more faults are not listed; correct these and send again."];
        }

        var problem = Validation(errors);
        return faults[0].Line is { } line ? Lines(problem, line) : problem;
    }

    public const int MaxNamedFaults = 100;

    private static ProblemException Lines(ProblemException validation, int line)
    {
        var problem = validation.Problem;
        problem.Type = TypePrefix + "malformed-line";
        problem.Title = "A line of the text cannot be read; nothing was stored.";
        problem.Extensions["line"] = line;
        return validation;
    }

    public static ProblemException UnsupportedMediaType(string expected, string detail) =>
        new(new ProblemDetails
        {
            Status = StatusCodes.Status415UnsupportedMediaType,
            Type = TypePrefix + "unsupported-media-type",
            Title = $"Expected {expected}.",
            Detail = detail,
        });

    public static ProblemException PreconditionRequired() =>
        new(new ProblemDetails
        {
            Status = StatusCodes.Status428PreconditionRequired,
            Type = TypePrefix + "precondition-required",
            Title = "If-Match is required.",
            Detail = "Send the ETag from your last GET in an If-Match header, so that you never overwrite a change you have not seen.",
        });

    public static ProblemException PreconditionFailed(string currentEtag, string? advice = null) =>
        new(new ProblemDetails
        {
            Status = StatusCodes.Status412PreconditionFailed,
            Type = TypePrefix + "precondition-failed",
            Title = "The resource changed since you read it.",
            Detail = $"If-Match does not match the current ETag {currentEtag}. {advice ?? "Read it again and retry."}",
        });
}
