using NationalAiEval.Api.Auth;
using NationalAiEval.Api.Infrastructure.Database;
using NationalAiEval.Api.Infrastructure.Http;
using NationalAiEval.Api.Teams;

namespace NationalAiEval.Api.Pools;

/// <summary>
/// The team and pool a list is narrowed to. A team key is always narrowed to its own team; a named team must be one
/// the key may see, and a provider may name only its own pools (404 otherwise, so existence does not leak). A team may
/// name any pool: its list holds only its own rows anyway.
/// </summary>
public static class ListScope
{
    public static async Task<(long? TeamId, long? PoolId)> ResolveAsync(
        DbSession session, string? team, string? pool, Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        long? teamId = caller.Role == Role.Team ? caller.TeamId : null;
        if (team is not null)
        {
            teamId = (await TeamStore.FindVisibleAsync(session, team, caller, cancellationToken)).Id;
        }

        long? poolId = null;
        if (pool is not null)
        {
            var row = await session.QuerySingleOrDefaultAsync<PoolRow>(PoolSql.ByCode, new { Code = pool }, cancellationToken);
            if (row is null || (caller.Role == Role.Provider && !caller.MaySeePool(row.Id)))
            {
                throw Problems.NotFound("pool", pool);
            }

            poolId = row.Id;
        }

        return (teamId, poolId);
    }
}
