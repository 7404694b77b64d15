using NationalAiEval.Core.Units;
using NodaTime;

namespace NationalAiEval.Core.Weights;

/// <summary>
/// The versioned equivalence weights of every GPU model. Usage at instant t is normalised with the weight in
/// force at t (api-docs/DEFINITIONS.md#weights), so an amount over a span that crosses a weight change is integrated piecewise.
/// </summary>
public sealed class WeightSchedule
{
    private readonly Dictionary<string, WeightVersion[]> _byModel;

    public WeightSchedule(IEnumerable<WeightVersion> versions)
    {
        ArgumentNullException.ThrowIfNull(versions);
        _byModel = versions
            .GroupBy(v => v.GpuModel, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.OrderBy(v => v.EffectiveFrom).ToArray(), StringComparer.Ordinal);
    }

    public IEnumerable<string> Models => _byModel.Keys;

    /// <summary>The instants at which a model's weight changes.</summary>
    public IEnumerable<Instant> VersionsOf(string gpuModel) =>
        _byModel.TryGetValue(gpuModel, out var versions) ? versions.Select(v => v.EffectiveFrom) : [];

    /// <summary>The weight in force at <paramref name="at"/>, or null when the model has none yet.</summary>
    public int? PerMilleAt(string gpuModel, Instant at)
    {
        if (!_byModel.TryGetValue(gpuModel, out var versions))
        {
            return null;
        }

        WeightVersion? current = null;
        foreach (var version in versions)
        {
            if (version.EffectiveFrom > at)
            {
                break;
            }

            current = version;
        }

        return current?.PerMille;
    }

    /// <summary>True when every instant of <paramref name="span"/> has a weight for the model.</summary>
    public bool Covers(string gpuModel, Interval span) => PerMilleAt(gpuModel, span.Start) is not null;

    /// <summary>
    /// Milli-EGH-seconds of <paramref name="gpus"/> GPUs of a model held over <paramref name="span"/>, integrating over
    /// weight changes inside the span.
    /// </summary>
    public long EquivalentMilliEghSeconds(string gpuModel, long gpus, Interval span)
    {
        if (!Covers(gpuModel, span))
        {
            throw new InvalidOperationException($"GPU model {gpuModel} has no equivalence weight at {span.Start}.");
        }

        long total = 0;
        var versions = _byModel[gpuModel];
        for (var i = 0; i < versions.Length; i++)
        {
            var from = versions[i].EffectiveFrom;
            var to = i + 1 < versions.Length ? versions[i + 1].EffectiveFrom : Instant.MaxValue;
            var start = Max(from, span.Start);
            var end = Min(to, span.End);
            if (end <= start)
            {
                continue;
            }

            var seconds = (long)(end - start).TotalSeconds;
            total = checked(total + GpuTime.ToMilliEghSeconds(GpuTime.RawGpuSeconds(gpus, seconds), versions[i].PerMille));
        }

        return total;
    }

    private static Instant Max(Instant a, Instant b) => a > b ? a : b;

    private static Instant Min(Instant a, Instant b) => a < b ? a : b;
}
