using NationalAiEval.Api.Infrastructure.Database;

namespace NationalAiEval.Api.Usage;

/// <summary>Reads of a team's hourly facts, raw and normalised with the weight in force at each hour.</summary>
public static class UsageSql
{
    /// <summary>The weight in force at a fact's hour: the version with the latest effective instant not after it.</summary>
    private const string WeightedFacts = """
        FROM usage_fact f
        JOIN pool p ON p.id = f.pool_id
        JOIN equivalence_weight w ON w.gpu_model = p.gpu_model AND w.effective_unix = (
            SELECT MAX(w2.effective_unix) FROM equivalence_weight w2 WHERE w2.gpu_model = p.gpu_model AND w2.effective_unix <= f.hour_unix)
        WHERE f.team_id = @TeamId AND f.hour_unix >= @FromUnix AND f.hour_unix < @ToUnix
        """;

    /// <summary>Per pool over [from, to): raw GPU-seconds and milli-EGH-seconds, in total and since two instants (for burn rates).</summary>
    public static readonly Sql UsedByPool = Sql.Portable($"""
        SELECT p.code AS pool, p.gpu_model, SUM(f.gpu_seconds) AS raw_gpu_seconds, SUM(f.gpu_seconds * w.per_mille) AS milli_egh_seconds,
               SUM(CASE WHEN f.hour_unix >= @Since7Unix THEN f.gpu_seconds * w.per_mille ELSE 0 END) AS last7_milli_egh_seconds,
               SUM(CASE WHEN f.hour_unix >= @Since30Unix THEN f.gpu_seconds * w.per_mille ELSE 0 END) AS last30_milli_egh_seconds
        {WeightedFacts}
        GROUP BY p.code, p.gpu_model
        """);

    /// <summary>Per pool and UTC hour over [from, to): the rows that usage series are built from.</summary>
    public static readonly Sql HourlyByPool = Sql.Portable($"""
        SELECT p.code AS pool, f.hour_unix, f.gpu_seconds AS raw_gpu_seconds, f.gpu_seconds * w.per_mille AS milli_egh_seconds
        {WeightedFacts}
        ORDER BY f.hour_unix
        """);
}

public sealed class PoolUsageRow
{
    public string Pool { get; init; } = string.Empty;
    public string GpuModel { get; init; } = string.Empty;
    public long RawGpuSeconds { get; init; }
    public long MilliEghSeconds { get; init; }
    public long Last7MilliEghSeconds { get; init; }
    public long Last30MilliEghSeconds { get; init; }
}
