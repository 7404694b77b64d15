using NationalAiEval.Api.Infrastructure.Database;

namespace NationalAiEval.Api.Pools;

/// <summary>Pool statements shared with other features (allocations lock pools and read their capacity).</summary>
public static class PoolSql
{
    public static readonly Sql ByCode = Sql.Portable(
        $"SELECT {PoolRow.Columns} FROM pool WHERE code = @Code");

    /// <summary>
    /// Serialises every change to one pool's capacity. On SQLite the write transaction already holds the database
    /// lock; on SQL Server UPDLOCK+HOLDLOCK makes concurrent allocators on the same pool (on any instance) queue here.
    /// </summary>
    public static readonly Sql LockByCode = Sql.LockingRead(
        $"SELECT {PoolRow.Columns} FROM pool {Sql.RowLock} WHERE code = @Code");

    public static readonly Sql LeasesOverlapping = Sql.Portable("""
        SELECT id, pool_id, gpus, start_unix, end_unix, krw_per_gpu_hour, reference, created_unix
        FROM lease_line WHERE pool_id = @PoolId AND start_unix < @ToUnix AND end_unix > @FromUnix
        ORDER BY start_unix, id
        """);

    public static readonly Sql AllocationsOverlapping = Sql.Portable("""
        SELECT gpus, start_unix, end_unix FROM allocation
        WHERE pool_id = @PoolId AND start_unix < @ToUnix AND end_unix > @FromUnix
        """);
}
