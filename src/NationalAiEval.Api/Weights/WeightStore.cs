using NationalAiEval.Api.Audit;
using NationalAiEval.Api.Auth;
using NationalAiEval.Api.Infrastructure.Database;
using NationalAiEval.Api.Infrastructure.Http;
using NationalAiEval.Api.Infrastructure.Programme;
using NationalAiEval.Api.StaleIdleHours;
using NationalAiEval.Core.Codes;
using NationalAiEval.Core.Time;
using NationalAiEval.Core.Units;
using NationalAiEval.Core.Weights;
using NodaTime;

namespace NationalAiEval.Api.Weights;

/// <summary>
/// Versioned equivalence weights. A new version may start today or later, never earlier: usage already normalised
/// keeps the weight that was in force (api-docs/DEFINITIONS.md#weights: a weight never rewrites the past).
/// </summary>
public sealed class WeightStore(Db db, IClock clock, ProgrammeSettings programme, AuditLog audit)
{
    public const long MaxPerMille = 100_000;

    private static readonly Sql AllVersions = Sql.Portable(
        "SELECT gpu_model, effective_date, effective_unix, per_mille FROM equivalence_weight ORDER BY gpu_model, effective_unix");

    private static readonly Sql PoolsOfModel = Sql.Portable("SELECT id FROM pool WHERE gpu_model = @GpuModel");

    private static readonly Sql DeleteVersion = Sql.Portable(
        "DELETE FROM equivalence_weight WHERE gpu_model = @GpuModel AND effective_unix = @EffectiveUnix");

    private static readonly Sql InsertVersion = Sql.Portable("""
        INSERT INTO equivalence_weight (gpu_model, effective_date, effective_unix, per_mille, created_unix)
        VALUES (@GpuModel, @EffectiveDate, @EffectiveUnix, @PerMille, @CreatedUnix)
        """);

    public static async Task<WeightSchedule> LoadScheduleAsync(DbSession session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        var rows = await session.QueryAsync<WeightRow>(AllVersions, cancellationToken: cancellationToken);
        return new WeightSchedule(rows.Select(r => r.ToVersion()));
    }

    public async Task<WeightsView> GetAsync(CancellationToken cancellationToken)
    {
        await using var session = await db.ReadAsync(cancellationToken);
        return await ViewAsync(session, cancellationToken);
    }

    public async Task<WeightsView> SetAsync(SetWeightsRequest request, Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var v = new Validator();
        var effectiveDate = v.Date(request.EffectiveFrom, "effectiveFrom");
        if (request.Weights is null || request.Weights.Count == 0)
        {
            v.Add("weights", "is required: an object of GPU model to per-mille weight, for example {\"H200\": 600}.");
        }

        var weights = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (model, perMille) in request.Weights ?? new Dictionary<string, long>())
        {
            var field = $"weights.{model}";
            if (!GpuModel.IsValid(model))
            {
                v.Add(field, $"is not a GPU model name: {GpuModel.Rule}.");
                continue;
            }

            var normalised = GpuModel.Normalise(model);
            if (perMille < 1 || perMille > MaxPerMille)
            {
                v.Add(field, $"must be between 1 and {MaxPerMille} per-mille.");
            }
            else if (normalised == DefaultWeights.ReferenceModel && perMille != GpuTime.PerMilleOfReference)
            {
                v.Add(field, $"{DefaultWeights.ReferenceModel} is the reference model; its weight is always {GpuTime.PerMilleOfReference}.");
            }
            else if (!weights.TryAdd(normalised, perMille))
            {
                v.Add(field, "names a model given twice.");
            }
        }

        v.ThrowIfInvalid();
        var today = clock.GetCurrentInstant().InZone(programme.TimeZone).Date;
        if (effectiveDate < today)
        {
            throw Problems.Unprocessable("weight-in-past", "Weights cannot change the past.",
                $"effectiveFrom {effectiveDate:yyyy-MM-dd} is before today ({today:yyyy-MM-dd} in {programme.TimeZone.Id}); usage already normalised keeps its weight.",
                "effectiveFrom");
        }

        var effectiveAt = ParticipationWindow.StartOfDay(effectiveDate, programme.TimeZone);
        await using var session = await db.WriteAsync(cancellationToken);
        var before = await ViewAsync(session, cancellationToken);
        foreach (var (model, perMille) in weights)
        {
            var parameters = new
            {
                GpuModel = model,
                EffectiveDate = Dates.Text(effectiveDate),
                EffectiveUnix = Unix.Seconds(effectiveAt),
                PerMille = perMille,
                CreatedUnix = Unix.Seconds(clock.GetCurrentInstant()),
            };
            await session.ExecuteAsync(DeleteVersion, parameters, cancellationToken);
            await session.ExecuteAsync(InsertVersion, parameters, cancellationToken);

            // A weight effective from today's start changes the equivalents of the hours already past today.
            foreach (var poolId in await session.QueryAsync<long>(PoolsOfModel, parameters, cancellationToken))
            {
                await IdleDirty.MarkAsync(session, poolId, parameters.EffectiveUnix, Unix.Seconds(clock.GetCurrentInstant()), cancellationToken);
            }
        }

        var after = await ViewAsync(session, cancellationToken);
        await audit.WriteAsync(session, caller, "weights.set", "equivalence_weight", Dates.Text(effectiveDate), before.Versions, after.Versions, cancellationToken);
        await session.CommitAsync(cancellationToken);
        return after;
    }

    private async Task<WeightsView> ViewAsync(DbSession session, CancellationToken cancellationToken)
    {
        var rows = (await session.QueryAsync<WeightRow>(AllVersions, cancellationToken: cancellationToken)).ToList();
        var now = clock.GetCurrentInstant();
        var versions = rows.Select(r => r.ToView()).ToList();
        var inForce = versions
            .Where(w => w.EffectiveAt <= now)
            .GroupBy(w => w.GpuModel, StringComparer.Ordinal)
            .Select(g => g.MaxBy(w => w.EffectiveAt)!)
            .OrderBy(w => w.GpuModel, StringComparer.Ordinal)
            .ToList();
        return new WeightsView(DefaultWeights.ReferenceModel, now, inForce, versions);
    }

    private sealed class WeightRow
    {
        public string GpuModel { get; init; } = string.Empty;
        public string EffectiveDate { get; init; } = string.Empty;
        public long EffectiveUnix { get; init; }
        public long PerMille { get; init; }

        public WeightVersion ToVersion() => new(GpuModel, Dates.Parse(EffectiveDate), Unix.Instant(EffectiveUnix), checked((int)PerMille));

        public WeightVersionView ToView() => new(GpuModel, PerMille, Dates.Parse(EffectiveDate), Unix.Instant(EffectiveUnix));
    }
}
