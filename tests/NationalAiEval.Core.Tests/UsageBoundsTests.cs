using NationalAiEval.Core.Time;
using NationalAiEval.Core.Usage;
using NodaTime;

namespace NationalAiEval.Core.Tests;

public sealed class UsageBoundsTests
{
    private static readonly Instant Now = Instant.FromUtc(2026, 4, 1, 0, 0);

    private static readonly long Day = 86_400;

    /// <summary>8 GPUs through 2026, 4 more in March: the peak is 12.</summary>
    private static readonly LeaseCover Cover = LeaseCover.Of(
        [new LeaseSpan(8, Unix(2026, 1, 1), Unix(2027, 1, 1)), new LeaseSpan(4, Unix(2026, 3, 1), Unix(2026, 4, 1))], IntakeLimits.Default.LeaseToleranceSeconds);

    private static long Unix(int year, int month, int day) => Instant.FromUtc(year, month, day, 0, 0).ToUnixTimeSeconds();

    private static UsageField[] Faults(long start, long until, long gpus = 1, string account = "acct-a", string id = "j1") =>
        [.. UsageBounds.Check(new UsageCandidate(id, account, start, until, gpus), Cover, IntakeLimits.Default, Now).Select(f => f.Field)];

    [Fact]
    public void AnOrdinaryJob_HasNoFault() => Assert.Empty(Faults(Unix(2026, 3, 2), Unix(2026, 3, 3), 12));

    [Fact]
    public void TheYearOne_IsOutOfRange() =>
        Assert.Equal([UsageField.Start], Faults(Instant.FromUtc(1, 8, 1, 0, 0).ToUnixTimeSeconds(), Unix(2026, 3, 30)));

    [Fact]
    public void TheFuture_AndTooLong_AndOutsideTheLeases_AreEachNamed()
    {
        Assert.Equal([UsageField.Until], Faults(Unix(2026, 3, 31), Unix(2026, 4, 2)));
        Assert.Equal([UsageField.Until], Faults(Unix(2026, 1, 1), Unix(2026, 3, 3)));
        Assert.Equal([UsageField.Start], Faults(Unix(2025, 12, 1), Unix(2025, 12, 2)));
        Assert.Empty(Faults(Unix(2025, 12, 25), Unix(2025, 12, 26)));
    }

    [Fact]
    public void GpusAboveThePoolsPeak_AndBadNames_AreNamed()
    {
        Assert.Equal([UsageField.Gpus], Faults(Unix(2026, 3, 2), Unix(2026, 3, 3), 13));
        Assert.Equal([UsageField.Gpus], Faults(Unix(2026, 3, 2), Unix(2026, 3, 3), 0));
        Assert.Equal([UsageField.Account], Faults(Unix(2026, 3, 2), Unix(2026, 3, 3), account: "acct\n"));
        Assert.Equal([UsageField.ExternalId], Faults(Unix(2026, 3, 2), Unix(2026, 3, 3), id: "j\u00001"));
    }

    [Fact]
    public void APoolWithoutALease_AcceptsNothing() =>
        Assert.Contains(UsageField.Gpus,
            UsageBounds.Check(new UsageCandidate("j", "a", Unix(2026, 3, 2), Unix(2026, 3, 3), 1), LeaseCover.Of([], Day), IntakeLimits.Default, Now).Select(f => f.Field));

    [Fact]
    public void TheCover_MergesWidenedLines_AndClipsToThem()
    {
        var cover = LeaseCover.Of([new LeaseSpan(1, 100 * Day, 110 * Day), new LeaseSpan(1, 120 * Day, 130 * Day), new LeaseSpan(1, 200 * Day, 201 * Day)], 5 * Day);

        Assert.Equal([(95 * Day, 135 * Day), (195 * Day, 206 * Day)], cover.Intervals);
        Assert.Equal([(95 * Day, 135 * Day), (195 * Day, 196 * Day)], cover.Clip(0, 196 * Day));
        Assert.True(cover.Contains(96 * Day, 134 * Day));
        Assert.False(cover.Contains(134 * Day, 196 * Day));
        Assert.Equal(1, cover.PeakGpus);
    }

    [Fact]
    public void ThePeak_CountsOverlappingLines_NotLinesThatMeetEndToStart()
    {
        Assert.Equal(12, Cover.PeakGpus);
        Assert.Equal(5, LeaseCover.Of([new LeaseSpan(5, 0, 10), new LeaseSpan(3, 10, 20)], 0).PeakGpus);
    }

    [Fact]
    public void AStoredRecord_IsCountableOnlyWithinTheBounds()
    {
        var limits = IntakeLimits.Default;
        Assert.Null(UsageBounds.WhyNotCountable(Unix(2026, 3, 1), Unix(2026, 3, 2), 8, 8, limits));
        Assert.NotNull(UsageBounds.WhyNotCountable(SupportedRange.EarliestUnix - 1, Unix(2026, 3, 2), 1, 8, limits));
        Assert.NotNull(UsageBounds.WhyNotCountable(Unix(2026, 1, 1), Unix(2026, 3, 3), 1, 8, limits));
        Assert.NotNull(UsageBounds.WhyNotCountable(Unix(2026, 3, 1), Unix(2026, 3, 2), 9, 8, limits));
        Assert.NotNull(UsageBounds.WhyNotCountable(Unix(2026, 3, 2), Unix(2026, 3, 1), 1, 8, limits));
    }

    [Theory]
    [InlineData("2026-01-01T24:00:00Z", true)]
    [InlineData("2026-01-01T23:59:59Z", false)]
    [InlineData("2026-01-24T00:00:00Z", false)]
    [InlineData("2026-01-01", false)]
    public void TheHour24_IsRecognised(string text, bool hour24) => Assert.Equal(hour24, SupportedRange.NamesHour24(text));
}
