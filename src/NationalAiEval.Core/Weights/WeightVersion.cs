using NodaTime;

namespace NationalAiEval.Core.Weights;

/// <summary>One version of a GPU model's equivalence weight, in force from <see cref="EffectiveFrom"/> until the next version.</summary>
public sealed record WeightVersion(string GpuModel, LocalDate EffectiveDate, Instant EffectiveFrom, int PerMille);
