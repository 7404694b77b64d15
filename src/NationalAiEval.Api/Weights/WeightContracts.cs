using NodaTime;

namespace NationalAiEval.Api.Weights;

/// <summary>New weights per GPU model, in per-mille of the reference model, in force from a programme date.</summary>
public sealed record SetWeightsRequest(LocalDate? EffectiveFrom, IReadOnlyDictionary<string, long>? Weights);

public sealed record WeightVersionView(string GpuModel, long PerMille, LocalDate EffectiveFrom, Instant EffectiveAt);

/// <summary>The weights in force now and every version, past and scheduled.</summary>
public sealed record WeightsView(string ReferenceModel, Instant AsOf, IReadOnlyList<WeightVersionView> InForce, IReadOnlyList<WeightVersionView> Versions);
