using FsCheck;
using FsCheck.Fluent;
using NationalAiEval.Core.Capacity;
using NationalAiEval.Core.Forecasting;
using NationalAiEval.Core.Idle;
using NationalAiEval.Core.Planning;
using NationalAiEval.Core.Pricing;
using NationalAiEval.Core.Weights;
using NodaTime;
using Interval = NodaTime.Interval;

namespace NationalAiEval.Core.Tests;

/// <summary>One pricing rule: the lease stack, and the three places that price leased capacity agreeing through it.</summary>
public sealed class LeasePricingTests
{
    private static readonly Instant T0 = Instant.FromUtc(2026, 3, 1, 0, 0);
    private static readonly WeightSchedule Weights = new(DefaultWeights.PerMille.Select(w => new WeightVersion(w.Key, new LocalDate(2020, 1, 1), Instant.FromUtc(2020, 1, 1, 0, 0), w.Value)));

    /// <summary>Lease lines in force together (GPUs, KRW per GPU-hour; equal prices happen), some GPUs held of them, and a length in seconds.</summary>
    public sealed record Holding((int Gpus, int Price)[] Lines, int Held, int Seconds);

    [Fact]
    public void UsedComesFromTheCheapestLines_UnallocatedFromTheDearest()
    {
        var stack = LeasePricing.Of([new PricedCapacity(8, 9_000), new PricedCapacity(8, 1_000)]);

        Assert.Equal(16, stack.Total);
        Assert.Equal(8 * 1_000, stack.Bottom(8));
        Assert.Equal((2 * 1_000) + (2 * 9_000), stack.Numerator(6, 4));
        Assert.Equal((3 * 1_000, (5 * 1_000) + (1 * 9_000), 7 * 9_000), stack.Layers(3, 6));
        Assert.Equal(9_000, stack.DearestPrice);
        Assert.Throws<ArgumentOutOfRangeException>(() => stack.Top(17));
    }

    [Fact]
    public void Won_IsRoundedOnce_HalfAwayFromZero()
    {
        Assert.Equal(1, LeasePricing.Krw(1_800));
        Assert.Equal(0, LeasePricing.Krw(1_799));
        Assert.Equal(2, LeasePricing.Krw(5_400));
        Assert.Equal(-1, LeasePricing.Krw(-1_800));
    }

    [FsCheck.Xunit.Property(MaxTest = 300)]
    public Property AnyRangeOfTheStack_CostsWhatItsUnitsCostOneByOne() =>
        Prop.ForAll(Cases(), c =>
        {
            var stack = LeasePricing.Of(c.Lines.Select(l => new PricedCapacity(l.Gpus, l.Price)));
            var units = c.Lines.SelectMany(l => Enumerable.Repeat((long)l.Price, l.Gpus)).Order().ToArray();
            var from = Math.Min(c.Held, units.Length);
            var amount = units.Length - from;
            return stack.Numerator(from, amount) == units.Skip(from).Sum()
                && stack.Bottom(from) + stack.Top(amount) == units.Sum()
                && stack.Total == units.Length;
        });

    /// <summary>
    /// The same leases and holdings over the same stretch (often not whole hours, so that rounding shows): idle facts (the
    /// stretch as one breakdown, all held capacity used), the forecast and the planner's unallocated capacity price what
    /// nobody holds alike, to the numerator and to the won.
    /// </summary>
    [FsCheck.Xunit.Property(MaxTest = 200)]
    public Property IdleFacts_Forecast_AndPlanner_PriceUnallocatedCapacityAlike() =>
        Prop.ForAll(Cases(), c =>
        {
            var leased = c.Lines.Sum(l => l.Gpus);
            var held = Math.Min(c.Held, leased);
            long seconds = c.Seconds;

            var idleNumerator = IdleArithmetic.Break(
                [.. c.Lines.Select(l => new LineHour(l.Gpus * seconds, l.Price))], [new TeamHour(1, held * seconds, held * seconds, 0)], 0, 0).UnallocatedKrwNumerator;

            var start = T0.ToUnixTimeSeconds();
            var forecast = UnallocatedForecast.Compute(
                [.. c.Lines.Select(l => new ForecastLease(1, l.Gpus, start, start + seconds, l.Price))],
                held == 0 ? [] : [new ForecastAllocation(1, 1, held, start, start + seconds)],
                [new ForecastParticipation(1, start, start + seconds, start, null, new HashSet<long>())],
                start, start + seconds);
            var forecastNumerator = forecast.Sum(s => s.KrwNumerator);

            var span = new Interval(T0, T0 + Duration.FromSeconds(seconds));
            var pool = new PlanPool(1, "p", "H100", 8, [.. c.Lines.Select(l => new LeaseLine(l.Gpus, span, l.Price))],
                held == 0 ? [] : [new AllocationSpan(held, span)], new NewLeaseTerms(5_000, Period.FromMonths(1)));
            var planned = Assert.Single(EqualSharePlanner.Plan(new PlanningProblem(T0, 0, [pool], [], Weights)).Unallocated);

            return idleNumerator == forecastNumerator
                && planned.GpuSeconds == (leased - held) * seconds
                && planned.Krw == LeasePricing.Krw(idleNumerator)
                && planned.Krw == LeasePricing.Krw(forecastNumerator);
        });

    private static Arbitrary<Holding> Cases() =>
        (from lines in (from gpus in Gen.Choose(1, 24)
                        from price in Gen.Elements(0, 1, 999, 1_000, 4_321, 9_000, 9_000, 13_337)
                        select (gpus, price)).ArrayOf().Where(a => a.Length is > 0 and <= 4)
         from held in Gen.Choose(0, 100)
         from seconds in Gen.OneOf(Gen.Choose(1, 48).Select(h => h * 3600), Gen.Choose(1, 48 * 3600))
         select new Holding(lines, held, seconds)).ToArbitrary();
}
