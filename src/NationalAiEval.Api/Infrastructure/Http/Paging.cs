using System.Globalization;

namespace NationalAiEval.Api.Infrastructure.Http;

/// <summary>A page of a list and the cursor to ask for the next one (null on the last page).</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor);

/// <summary>
/// Keyset paging: <c>?limit=100&amp;after=&lt;cursor&gt;</c>. The cursor is the id of the last item seen, so a page is
/// stable while rows are added, and a list query is one index range scan.
/// </summary>
public readonly record struct PageRequest(int Limit, long After)
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    /// <summary>The number of rows to fetch: one more than the page, to know whether another page follows.</summary>
    public int Take => Limit + 1;

    /// <summary>Reads <c>limit</c> and <c>after</c> from the query string; 400 naming the parameter when either is wrong.</summary>
    public static PageRequest Parse(string? limit, string? after)
    {
        var validator = new Validator();
        var page = Parse(limit, after, validator);
        validator.ThrowIfInvalid();
        return page;
    }

    public static PageRequest Parse(string? limit, string? after, Validator validator)
    {
        ArgumentNullException.ThrowIfNull(validator);
        var parsedLimit = DefaultLimit;
        if (!string.IsNullOrEmpty(limit)
            && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out parsedLimit) || parsedLimit < 1 || parsedLimit > MaxLimit))
        {
            validator.Add("limit", $"must be an integer from 1 to {MaxLimit}.");
            parsedLimit = DefaultLimit;
        }

        long parsedAfter = 0;
        if (!string.IsNullOrEmpty(after) && !long.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out parsedAfter))
        {
            validator.Add("after", "must be a cursor returned as nextCursor by the previous page.");
        }

        return new PageRequest(parsedLimit, parsedAfter);
    }

    public Page<TOut> Cut<TRow, TOut>(IReadOnlyList<TRow> rows, Func<TRow, long> id, Func<TRow, TOut> map)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var items = rows.Take(Limit).Select(map).ToList();
        var next = rows.Count > Limit ? id(rows[Limit - 1]).ToString(CultureInfo.InvariantCulture) : null;
        return new Page<TOut>(items, next);
    }
}
