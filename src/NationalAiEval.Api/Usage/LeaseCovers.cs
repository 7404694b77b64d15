using NationalAiEval.Api.Infrastructure.Database;
using NationalAiEval.Core.Usage;

namespace NationalAiEval.Api.Usage;

/// <summary>
/// Reads a pool's <see cref="LeaseCover"/>: where usage may lie (the intake bounds), and so where detect-idle computes
/// hours. Kept with usage, which it bounds, rather than with pools, so that detect-idle does not depend on the pools feature.
/// </summary>
public static class LeaseCovers
{
    private static readonly Sql Spans = Sql.Portable("SELECT gpus, start_unix, end_unix FROM lease_line WHERE pool_id = @PoolId");

    public static async Task<LeaseCover> LoadAsync(DbSession session, long poolId, long toleranceSeconds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        var rows = await session.QueryAsync<SpanRow>(Spans, new { PoolId = poolId }, cancellationToken);
        return LeaseCover.Of(rows.Select(r => new LeaseSpan(r.Gpus, r.StartUnix, r.EndUnix)), toleranceSeconds);
    }

    private sealed class SpanRow
    {
        public long Gpus { get; init; }
        public long StartUnix { get; init; }
        public long EndUnix { get; init; }
    }
}
