using NationalAiEval.Core.Allocations;
using NodaTime;

namespace NationalAiEval.Core.Tests;

public sealed class AllocationRulesTests
{
    private static readonly Instant T0 = Instant.FromUtc(2026, 1, 1, 0, 0);

    private static Instant Day(int d) => T0 + Duration.FromDays(d);

    private static ParticipationTerms Terms(
        int? eligibleDay = null, ParticipationStatus status = ParticipationStatus.Active, int? endedDay = null, params long[] excluded) =>
        new(new Interval(Day(0), Day(100)), eligibleDay is { } e ? Day(e) : null, excluded.ToHashSet(), status, endedDay is { } x ? Day(x) : null);

    [Fact]
    public void InsideTheWindow_IsAllowed() => Assert.Null(AllocationRules.Check(Terms(), 1, new Interval(Day(0), Day(100))));

    [Theory]
    [InlineData(-1, 10)]
    [InlineData(90, 101)]
    public void OutsideTheWindow_IsRefused(int from, int to) =>
        Assert.Equal(AllocationViolationKind.OutsideWindow, AllocationRules.Check(Terms(), 1, new Interval(Day(from), Day(to)))?.Kind);

    [Fact]
    public void BeforeEligibility_IsRefused_AndFromEligibility_Allowed()
    {
        Assert.Equal(AllocationViolationKind.BeforeEligibility, AllocationRules.Check(Terms(eligibleDay: 50), 1, new Interval(Day(49), Day(60)))?.Kind);
        Assert.Null(AllocationRules.Check(Terms(eligibleDay: 50), 1, new Interval(Day(50), Day(60))));
    }

    [Fact]
    public void ExcludedPool_IsRefused() =>
        Assert.Equal(AllocationViolationKind.ExcludedPool, AllocationRules.Check(Terms(null, ParticipationStatus.Active, null, 7), 7, new Interval(Day(1), Day(2)))?.Kind);

    [Fact]
    public void Eliminated_BeyondTheElimination_IsRefused_ButBeforeItAllowed()
    {
        var terms = Terms(status: ParticipationStatus.Eliminated, endedDay: 40);

        Assert.Equal(AllocationViolationKind.ParticipationEnded, AllocationRules.Check(terms, 1, new Interval(Day(30), Day(41)))?.Kind);
        Assert.Null(AllocationRules.Check(terms, 1, new Interval(Day(30), Day(40))));
    }
}
