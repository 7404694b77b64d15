using NationalAiEval.Api.Infrastructure.Database;
using NationalAiEval.Core.Usage;

namespace NationalAiEval.Api.Pools;

/// <summary>Reads a pool's <see cref="LeaseCover"/>: where usage may lie, and where detect-idle computes hours.</summary>
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
