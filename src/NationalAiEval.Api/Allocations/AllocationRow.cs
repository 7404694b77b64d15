using NationalAiEval.Api.Infrastructure.Database;
using NationalAiEval.Api.Infrastructure.Http;
using NationalAiEval.Core.Units;
using NationalAiEval.Core.Weights;

namespace NationalAiEval.Api.Allocations;

public sealed class AllocationRow
{
    public const string Columns = """
        a.id, a.participation_id, a.pool_id, a.gpus, a.start_unix, a.end_unix, a.version, a.created_unix,
        pa.team_id, s.code AS stage_code, t.code AS team_code, p.code AS pool_code, p.gpu_model
        """;

    public const string From = """
        FROM allocation a
        JOIN participation pa ON pa.id = a.participation_id
        JOIN stage s ON s.id = pa.stage_id
        JOIN team t ON t.id = pa.team_id
        JOIN pool p ON p.id = a.pool_id
        """;

    public const string Select = "SELECT " + Columns + " " + From;

    public static readonly Sql ById = Sql.Portable(Select + " WHERE a.id = @Id");

    public static readonly Sql ByParticipation = Sql.Portable(Select + " WHERE a.participation_id = @ParticipationId ORDER BY a.start_unix, a.id");

    public long Id { get; init; }
    public long ParticipationId { get; init; }
    public long PoolId { get; init; }
    public long Gpus { get; init; }
    public long StartUnix { get; init; }
    public long EndUnix { get; init; }
    public long Version { get; init; }
    public long CreatedUnix { get; init; }
    public long TeamId { get; init; }
    public string StageCode { get; init; } = string.Empty;
    public string TeamCode { get; init; } = string.Empty;
    public string PoolCode { get; init; } = string.Empty;
    public string GpuModel { get; init; } = string.Empty;

    public long RawGpuSeconds => GpuTime.RawGpuSeconds(Gpus, EndUnix - StartUnix);

    public long EquivalentMilliEghSeconds(WeightSchedule weights) =>
        weights.EquivalentMilliEghSeconds(GpuModel, Gpus, Unix.Interval(StartUnix, EndUnix));

    public AllocationView ToView(WeightSchedule weights) => new(
        Id, StageCode, TeamCode, PoolCode, GpuModel, Gpus, Unix.Instant(StartUnix), Unix.Instant(EndUnix),
        GpuTime.ToGpuHours(RawGpuSeconds), GpuTime.ToEquivalentGpuHours(EquivalentMilliEghSeconds(weights)), Unix.Instant(CreatedUnix));
}
