using System.Globalization;

namespace NationalAiEval.Api.Infrastructure.Http;

/// <summary>
/// Optimistic concurrency for pools, stages and allocations: the ETag is the row's version, and an update must name
/// the version it was based on in If-Match (428 when missing, 412 when stale).
/// </summary>
public static class ETags
{
    public static string For(long version) => $"\"{version.ToString(CultureInfo.InvariantCulture)}\"";

    public static void Set(HttpResponse response, long version)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.Headers.ETag = For(version);
    }

    /// <summary>Throws 428 without If-Match and 412 when it names another version than <paramref name="currentVersion"/>.</summary>
    public static void RequireMatch(HttpRequest request, long currentVersion) => RequireMatch(request, For(currentVersion));

    /// <summary>Throws 428 without If-Match and 412 when it names another tag than <paramref name="current"/> (quoted).</summary>
    public static void RequireMatch(HttpRequest request, string current)
    {
        ArgumentNullException.ThrowIfNull(request);
        var header = request.Headers.IfMatch.ToString();
        if (string.IsNullOrWhiteSpace(header))
        {
            throw Problems.PreconditionRequired();
        }

        var matches = header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Any(tag => tag == "*" || tag == current || tag == "W/" + current);
        if (!matches)
        {
            throw Problems.PreconditionFailed(current);
        }
    }
}
