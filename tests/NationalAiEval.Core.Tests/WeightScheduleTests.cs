using FsCheck;
using FsCheck.Fluent;
using NationalAiEval.Core.Units;
using NationalAiEval.Core.Weights;
using NodaTime;
using Interval = NodaTime.Interval;

namespace NationalAiEval.Core.Tests;

public sealed class WeightScheduleTests
{
    private static readonly Instant T0 = Instant.FromUtc(2026, 1, 1, 0, 0);

    private static WeightVersion Version(string model, int hoursFromT0, int perMille) =>
        new(model, new LocalDate(2026, 1, 1), T0 + Duration.FromHours(hoursFromT0), perMille);

    [Fact]
    public void Equivalent_OfH100_IsHalfOfB200_AsThePublishedConversion()
    {
        var weights = new WeightSchedule(DefaultWeights.PerMille.Select(w => Version(w.Key, 0, w.Value)));
        var day = new Interval(T0, T0 + Duration.FromDays(1));

        // "768 B200 ≈ 512 B200 + 512 H100"
        var b200 = weights.EquivalentMilliEghSeconds("B200", 768, day);
        var mix = weights.EquivalentMilliEghSeconds("B200", 512, day) + weights.EquivalentMilliEghSeconds("H100", 512, day);
        Assert.Equal(b200, mix);
        Assert.Equal(768 * 24m, GpuTime.ToEquivalentGpuHours(b200));
    }

    [Fact]
    public void Equivalent_AcrossAWeightChange_UsesTheWeightInForceAtEachInstant()
    {
        var weights = new WeightSchedule([Version("H200", 0, 600), Version("H200", 10, 700)]);

        var amount = weights.EquivalentMilliEghSeconds("H200", 2, new Interval(T0 + Duration.FromHours(8), T0 + Duration.FromHours(12)));

        Assert.Equal((2L * 2 * 3600 * 600) + (2L * 2 * 3600 * 700), amount);
    }

    [Fact]
    public void PerMilleAt_BeforeTheFirstVersion_IsNull()
    {
        var weights = new WeightSchedule([Version("B200", 5, 1000)]);

        Assert.Null(weights.PerMilleAt("B200", T0));
        Assert.Equal(1000, weights.PerMilleAt("B200", T0 + Duration.FromHours(5)));
        Assert.Null(weights.PerMilleAt("MI300X", T0 + Duration.FromHours(5)));
        Assert.False(weights.Covers("B200", new Interval(T0, T0 + Duration.FromHours(6))));
    }

    [FsCheck.Xunit.Property(MaxTest = 200)]
    public FsCheck.Property Equivalent_EqualsAnHourByHourSum() =>
        Prop.ForAll(
            Gen.Choose(1, 2000).ArrayOf().Where(a => a.Length is > 0 and < 6).ToArbitrary(),
            (from start in Gen.Choose(0, 40) from length in Gen.Choose(1, 30) from gpus in Gen.Choose(1, 64) select (start, length, gpus)).ToArbitrary(),
            (perMilles, shape) =>
            {
                var (startHour, lengthHours, gpus) = shape;

                // One version every 8 hours from T0.
                var versions = perMilles.Select((w, i) => Version("X", i * 8, w)).ToList();
                var weights = new WeightSchedule(versions);
                var span = new Interval(T0 + Duration.FromHours(startHour), T0 + Duration.FromHours(startHour + lengthHours));
                var bruteForce = Enumerable.Range(startHour, lengthHours)
                    .Sum(h => (long)gpus * 3600 * perMilles[Math.Min(h / 8, perMilles.Length - 1)]);
                return weights.EquivalentMilliEghSeconds("X", gpus, span) == bruteForce;
            });
}
