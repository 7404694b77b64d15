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
    public static void RequireMatch(IfMatch ifMatch, long currentVersion) => RequireMatch(ifMatch, For(currentVersion));

    /// <summary>Throws 428 without If-Match and 412 when it names another tag than <paramref name="current"/> (quoted).</summary>
    public static void RequireMatch(IfMatch ifMatch, string current)
    {
        ArgumentNullException.ThrowIfNull(ifMatch);
        if (!ifMatch.Given)
        {
            throw Problems.PreconditionRequired();
        }

        if (!ifMatch.Tags.Any(tag => tag == "*" || tag == current || tag == "W/" + current))
        {
            throw Problems.PreconditionFailed(current);
        }
    }
}

/// <summary>
/// The If-Match header as an endpoint read it: the entity tags it names, none when it is absent. Services take this,
/// never the request itself.
/// </summary>
public sealed record IfMatch(IReadOnlyList<string> Tags)
{
    public bool Given => Tags.Count > 0;

    public static IfMatch Read(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new IfMatch(request.Headers.IfMatch.ToString().Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
    }
}
