using NationalAiEval.Api.Infrastructure.Database;
using NationalAiEval.Api.Infrastructure.Http;
using NationalAiEval.Api.StaleIdleHours;
using NodaTime;

namespace NationalAiEval.Api.Idle;

public sealed record RepriceIdleSummary(int PoolsMarked, DetectIdleSummary Recomputed);

/// <summary>
/// The job <c>reprice-idle</c>, run by hand (never on a schedule) after the pricing rule changed
/// (api-docs/DEFINITIONS.md#lease-pricing) or a lease line's price was corrected in the database: it marks every leased
/// hour of every pool stale and runs detect-idle, which recomputes their idle facts and flags with the rule in force.
/// Frozen months are never touched: what the new rule changes in a closed month shows as that month's adjustment in the
/// first open month (api-docs/DEFINITIONS.md#closed-months), and is frozen with it when it closes.
/// </summary>
public sealed class RepriceIdleJob(Db db, IClock clock, DetectIdleJob detectIdle)
{
    public const string Id = "reprice-idle";

    /// <summary>Hangfire's "never" (31 February): listed on the jobs page, triggered only by a person.</summary>
    public const string Schedule = "0 0 31 2 *";

    private static readonly Sql LeasedSpans = Sql.Portable("""
        SELECT pool_id, MIN(start_unix) AS from_unix, MAX(end_unix) AS to_unix FROM lease_line GROUP BY pool_id ORDER BY pool_id
        """);

    public async Task<RepriceIdleSummary> RunAsync(CancellationToken cancellationToken)
    {
        var now = Unix.Seconds(clock.GetCurrentInstant());
        int pools;
        await using (var session = await db.WriteAsync(cancellationToken))
        {
            var spans = (await session.QueryAsync<LeasedSpan>(LeasedSpans, cancellationToken: cancellationToken)).ToList();
            foreach (var span in spans.Where(s => s.FromUnix < now))
            {
                await IdleDirty.MarkAsync(session, span.PoolId, span.FromUnix, Math.Min(span.ToUnix, now), cancellationToken);
            }

            await session.CommitAsync(cancellationToken);
            pools = spans.Count;
        }

        return new RepriceIdleSummary(pools, await detectIdle.RunAsync(cancellationToken));
    }

    private sealed class LeasedSpan
    {
        public long PoolId { get; init; }
        public long FromUnix { get; init; }
        public long ToUnix { get; init; }
    }
}
