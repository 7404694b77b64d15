using FsCheck;
using FsCheck.Fluent;
using NationalAiEval.Core.Capacity;
using NodaTime;
using Interval = NodaTime.Interval;

namespace NationalAiEval.Core.Tests;

public sealed class CapacityTimelineTests
{
    private static readonly Instant T0 = Instant.FromUtc(2026, 1, 1, 0, 0);

    private static Interval Days(int from, int to) => new(T0 + Duration.FromDays(from), T0 + Duration.FromDays(to));

    [Fact]
    public void Build_OverlappingLeaseLines_AddUp()
    {
        LeaseLine[] leases = [new(8, Days(0, 10), 8000), new(4, Days(5, 15), 9000)];

        var segments = CapacityTimeline.Build(leases, [], Days(0, 20));

        Assert.Equal(
            [(Days(0, 5), 8L), (Days(5, 10), 12L), (Days(10, 15), 4L), (Days(15, 20), 0L)],
            segments.Select(s => (s.Span, s.LeasedGpus)).ToArray());
    }

    [Fact]
    public void Build_TouchingIntervals_DoNotOverlap()
    {
        LeaseLine[] leases = [new(8, Days(0, 10), 1), new(8, Days(10, 20), 1)];

        var segments = CapacityTimeline.Build(leases, [new AllocationSpan(8, Days(0, 10)), new AllocationSpan(8, Days(10, 20))], Days(0, 20));

        var only = Assert.Single(segments);
        Assert.Equal((8L, 8L, 0L), (only.LeasedGpus, only.AllocatedGpus, only.FreeGpus));
    }

    [Fact]
    public void FirstOverCommitment_NamesTheFirstStretchAndTheLargestExcess()
    {
        LeaseLine[] leases = [new(8, Days(0, 30), 1)];
        AllocationSpan[] existing = [new(6, Days(5, 10)), new(7, Days(10, 12)), new(2, Days(20, 25))];

        var over = CapacityTimeline.FirstOverCommitment(leases, existing, new AllocationSpan(3, Days(0, 30)));

        Assert.NotNull(over);
        Assert.Equal(Days(5, 12), over.Span);
        Assert.Equal(2, over.ExcessGpus);
    }

    [Fact]
    public void FirstOverCommitment_BeyondTheLease_CountsNoCapacity()
    {
        var over = CapacityTimeline.FirstOverCommitment([new LeaseLine(8, Days(0, 10), 1)], [], new AllocationSpan(1, Days(8, 12)));

        Assert.NotNull(over);
        Assert.Equal(Days(10, 12), over.Span);
        Assert.Equal(1, over.ExcessGpus);
    }

    [Fact]
    public void FirstOverCommitment_ExactFit_IsAccepted() =>
        Assert.Null(CapacityTimeline.FirstOverCommitment([new LeaseLine(8, Days(0, 10), 1)], [new AllocationSpan(5, Days(0, 10))], new AllocationSpan(3, Days(0, 10))));

    /// <summary>
    /// Admitting requests one by one, each only when it fits, never over-commits any instant; and every refusal is
    /// right: at its reported stretch the request really exceeds what is free.
    /// </summary>
    [FsCheck.Xunit.Property(MaxTest = 200)]
    public FsCheck.Property AcceptingOnlyFittingRequests_NeverOverCommits() =>
        Prop.ForAll(Leases(), Requests(), (leases, requests) =>
        {
            var accepted = new List<AllocationSpan>();
            foreach (var request in requests)
            {
                var over = CapacityTimeline.FirstOverCommitment(leases, accepted, request);
                if (over is null)
                {
                    accepted.Add(request);
                    continue;
                }

                var atStart = CapacityTimeline.Build(leases, accepted, new Interval(over.Span.Start, over.Span.Start + Duration.FromSeconds(1))).Single();
                if (atStart.AllocatedGpus + request.Gpus <= atStart.LeasedGpus || !request.Span.Contains(over.Span.Start))
                {
                    return false;
                }
            }

            return CapacityTimeline.Build(leases, accepted, Days(0, 60)).All(s => s.AllocatedGpus <= s.LeasedGpus);
        });

    [FsCheck.Xunit.Property(MaxTest = 200)]
    public FsCheck.Property Build_CoversTheRangeWithoutGaps_AndMatchesAPointwiseSum() =>
        Prop.ForAll(Leases(), Requests(), (leases, allocations) =>
        {
            var range = Days(0, 60);
            var segments = CapacityTimeline.Build(leases, allocations, range);
            var contiguous = segments[0].Span.Start == range.Start && segments[^1].Span.End == range.End
                && segments.Zip(segments.Skip(1)).All(p => p.First.Span.End == p.Second.Span.Start);
            var pointwise = Enumerable.Range(0, 60).All(day =>
            {
                var t = T0 + Duration.FromDays(day) + Duration.FromHours(12);
                var segment = segments.Single(s => s.Span.Contains(t));
                return segment.LeasedGpus == leases.Where(l => l.Span.Contains(t)).Sum(l => l.Gpus)
                    && segment.AllocatedGpus == allocations.Where(a => a.Span.Contains(t)).Sum(a => a.Gpus);
            });
            return contiguous && pointwise;
        });

    private static Arbitrary<LeaseLine[]> Leases() =>
        (from start in Gen.Choose(0, 50)
         from length in Gen.Choose(1, 20)
         from gpus in Gen.Choose(1, 16)
         select new LeaseLine(gpus, Days(start, Math.Min(60, start + length)), 1000))
        .ArrayOf().Where(a => a.Length > 0).ToArbitrary();

    private static Arbitrary<AllocationSpan[]> Requests() =>
        (from start in Gen.Choose(0, 55)
         from length in Gen.Choose(1, 10)
         from gpus in Gen.Choose(1, 8)
         select new AllocationSpan(gpus, Days(start, Math.Min(60, start + length))))
        .ArrayOf().ToArbitrary();
}
