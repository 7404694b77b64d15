using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace NationalAiEval.Api.Infrastructure.Http;

/// <summary>
/// Turns every exception into an RFC 9457 answer: our own problems as they are, unreadable bodies as 400 naming the
/// JSON field, and anything unexpected as a bare 500 that never carries a stack trace out.
/// </summary>
public sealed partial class ProblemExceptionHandler(IProblemDetailsService problemDetails, ILogger<ProblemExceptionHandler> logger)
    : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var problem = exception switch
        {
            ProblemException known => known.Problem,
            BadHttpRequestException badRequest => FromBadRequest(badRequest),
            JsonException json => FromJson(json),

            // A form read without a form body (Hangfire's dashboard posts forms): the client's fault, not ours.
            InvalidOperationException form when form.Message.StartsWith("Incorrect Content-Type", StringComparison.Ordinal) =>
                Problems.UnsupportedMediaType("application/x-www-form-urlencoded", "This address reads a form; send the body as application/x-www-form-urlencoded.").Problem,
            System.Data.Common.DbException db when IsUniqueViolation(db) => new ProblemDetails
            {
                Status = StatusCodes.Status409Conflict,
                Type = Problems.TypePrefix + "duplicate",
                Title = "It already exists.",
                Detail = "Another request created the same thing at the same moment; nothing was changed by this one. Read it and retry if needed.",
            },
            System.Data.Common.DbException db when IsBusy(db) => new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Type = Problems.TypePrefix + "busy",
                Title = "The database is busy.",
                Detail = "Other work held the data this request needed for too long; nothing was changed. Retry in a moment.",
            },
            _ => null,
        };

        if (problem?.Status == StatusCodes.Status503ServiceUnavailable)
        {
            httpContext.Response.Headers.RetryAfter = "1";
        }

        if (problem is null)
        {
            logger.LogError(exception, "Unhandled exception on {Method} {Path}", httpContext.Request.Method, httpContext.Request.Path);
            problem = new ProblemDetails
            {
                Status = StatusCodes.Status500InternalServerError,
                Type = Problems.TypePrefix + "internal",
                Title = "An unexpected error occurred.",
                Detail = "Nothing was changed. The error has been logged; quote the traceId when reporting it.",
            };
        }

        httpContext.Response.StatusCode = problem.Status ?? StatusCodes.Status500InternalServerError;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem });
    }

    /// <summary>
    /// Existence checks run inside the write transaction, but on SQL Server two requests can pass them at the same
    /// moment; the unique constraint then decides, and the loser hears 409 rather than 500.
    /// </summary>
    private static bool IsUniqueViolation(System.Data.Common.DbException exception) => exception switch
    {
        Microsoft.Data.Sqlite.SqliteException sqlite => sqlite.SqliteErrorCode == 19 && sqlite.SqliteExtendedErrorCode is 2067 or 1555,
        Microsoft.Data.SqlClient.SqlException sqlServer => sqlServer.Number is 2627 or 2601,
        _ => false,
    };

    /// <summary>A lock wait that ran out (SQLite busy or locked; SQL Server command timeout, deadlock, lock timeout): worth a retry.</summary>
    private static bool IsBusy(System.Data.Common.DbException exception) => exception switch
    {
        Microsoft.Data.Sqlite.SqliteException sqlite => sqlite.SqliteErrorCode is 5 or 6,
        Microsoft.Data.SqlClient.SqlException sqlServer => sqlServer.Number is -2 or 1205 or 1222,
        _ => false,
    };

    private static ProblemDetails FromBadRequest(BadHttpRequestException exception)
    {
        if (exception.InnerException is JsonException json)
        {
            return FromJson(json);
        }

        if (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return new ProblemDetails
            {
                Status = StatusCodes.Status413PayloadTooLarge,
                Type = Problems.TypePrefix + "too-large",
                Title = "The request body is too large.",
                Detail = exception.Message,
            };
        }

        // Framework messages speak of parameters and services; the client needs to hear what to send.
        return exception.Message.Contains("body", StringComparison.OrdinalIgnoreCase)
            ? Problems.Validation("body", "A JSON body is required.").Problem.WithStatus(exception.StatusCode)
            : Problems.Validation("request", "The request could not be read: check the URL's parameters and the body.").Problem.WithStatus(exception.StatusCode);
    }

    private static ValidationProblemDetails FromJson(JsonException exception)
    {
        var field = FieldName(exception.Path);
        var message = exception.Path is null or "$"
            ? "The body is not valid JSON, or not a JSON object of the expected shape."
            : Describe(exception);
        return (ValidationProblemDetails)Problems.Validation(field, message).Problem;
    }

    /// <summary>"$.excludedPools[1]" becomes "excludedPools[1]": the field as the client wrote it.</summary>
    private static string FieldName(string? path) =>
        string.IsNullOrEmpty(path) || path == "$" ? "body" : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path;

    /// <summary>
    /// Says what the field should hold. System.Text.Json names the request record rather than the field's type when
    /// it binds through a constructor, so the field's type is looked up on that record by the path's last segment.
    /// </summary>
    private static string Describe(JsonException exception)
    {
        if (exception.Message.Contains("could not be mapped to any .NET member", StringComparison.Ordinal))
        {
            return "is not a field of this request.";
        }

        if (exception.Message.Contains("Duplicate property", StringComparison.OrdinalIgnoreCase))
        {
            return "appears more than once in its object; send each field once.";
        }

        var match = ConvertedTo().Match(exception.Message);
        var named = match.Success ? FindType(match.Groups["type"].Value.TrimEnd('.')) : null;
        var leaf = LeafName(exception.Path);
        var property = named?.GetProperty(leaf, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
        var target = property?.PropertyType ?? named;
        return target is null ? "has a value of the wrong type or format." : Expected(target);
    }

    private static string Expected(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type switch
        {
            _ when type == typeof(NodaTime.Instant) => "must be an ISO-8601 UTC instant, for example 2026-02-20T00:00:00Z.",
            _ when type == typeof(NodaTime.LocalDate) => "must be an ISO-8601 date, for example 2026-02-20.",
            _ when type == typeof(long) || type == typeof(int) => "must be a whole number within range.",
            _ when type == typeof(string) => "must be a string.",
            _ when type.IsEnum => $"must be one of: {string.Join(", ", Enum.GetNames(type).Select(n => JsonNamingPolicy.CamelCase.ConvertName(n)))}.",
            _ when IsDictionary(type) => "must be an object.",
            _ when IsCollection(type) => "must be an array.",
            _ when type.IsClass => "must be a JSON object.",
            _ => "has a value of the wrong type or format.",
        };
    }

    private static Type? FindType(string name) =>
        typeof(ProblemExceptionHandler).Assembly.GetType(name) ?? Type.GetType(name);

    private static string LeafName(string? path)
    {
        var field = FieldName(path);
        var bracket = field.IndexOf('[', StringComparison.Ordinal);
        var name = bracket >= 0 ? field[..bracket] : field;
        var dot = name.LastIndexOf('.');
        return dot >= 0 ? name[(dot + 1)..] : name;
    }

    private static bool IsDictionary(Type type) =>
        type.IsGenericType && type.GetInterfaces().Append(type).Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>));

    private static bool IsCollection(Type type) => type != typeof(string) && typeof(System.Collections.IEnumerable).IsAssignableFrom(type);

    [GeneratedRegex("converted to (?<type>[^\\s\\[]+(?:\\[[^\\]]*\\])?)", RegexOptions.CultureInvariant)]
    private static partial Regex ConvertedTo();
}

internal static class ProblemDetailsExtensions
{
    public static ProblemDetails WithStatus(this ProblemDetails problem, int status)
    {
        problem.Status = status;
        return problem;
    }
}
