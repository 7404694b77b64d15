using FsCheck;
using FsCheck.Fluent;
using NationalAiEval.Core.Usage;
using NodaTime;

namespace NationalAiEval.Core.Tests;

public sealed class SacctParserTests
{
    private static SacctParseResult Parse(string file, DateTimeZone? zone = null)
    {
        using var reader = File.OpenText(Fixtures.Slurm(file));
        return SacctParser.Parse(reader, zone ?? DateTimeZone.Utc);
    }

    private static SacctParseResult ParseText(string text, DateTimeZone? zone = null) => SacctParser.Parse(new StringReader(text), zone ?? DateTimeZone.Utc);

    private static Dictionary<string, long> SecondsByAccount(SacctParseResult result) =>
        result.Jobs.GroupBy(j => j.Account).ToDictionary(g => g.Key, g => g.Sum(j => j.GpuSeconds));

    [Theory]
    [InlineData("cluster-a-jobs.psv")]
    [InlineData("cluster-b-final-with-steps.psv")]
    public void GpuSecondsPerAccount_EqualWhatSreportPrinted(string file)
    {
        var result = Parse(file);

        Assert.Equal(Fixtures.SreportSecondsByAccount().OrderBy(x => x.Key), SecondsByAccount(result).OrderBy(x => x.Key));
        Assert.Equal(782, result.Jobs.Sum(j => j.GpuSeconds));
    }

    [Fact]
    public void StepLines_PendingJobs_AndCpuOnlyJobs_AreLeftOut_AndCounted()
    {
        var result = Parse("cluster-b-final-with-steps.psv");

        Assert.Equal(9, result.StepLines);
        Assert.Equal(3, result.NotStarted);
        Assert.Equal(1, result.WithoutGpus);
        Assert.Equal(["1", "2", "3", "4", "5", "6", "7", "10"], result.Jobs.Select(j => j.JobId));
    }

    [Fact]
    public void TypedAndUntypedGpuCounts_AreNotCountedTwice()
    {
        Assert.Equal(2, SacctParser.ReadGpus("billing=1,cpu=1,gres/gpu:h200=2,gres/gpu=2,node=1", 1));
        Assert.Equal(3, SacctParser.ReadGpus("cpu=1,gres/gpu:h200=2,gres/gpu:h100=1", 1));
        Assert.Equal(4, SacctParser.ReadGpus("gres/gpu=4,gres/gpumem=80G,gres/gpuutil=97", 1));
        Assert.Equal(0, SacctParser.ReadGpus("billing=2,cpu=2,node=1", 1));
        Assert.Equal(0, SacctParser.ReadGpus(string.Empty, 1));
    }

    [Fact]
    public void RunningJobs_CountUpToElapsedRawAtCapture()
    {
        var result = Parse("cluster-b-running-snapshot.psv");

        Assert.Equal(["1", "2", "10"], result.Jobs.Select(j => j.JobId));
        Assert.All(result.Jobs, j => Assert.Null(j.End));
        Assert.Equal([12L, 24L, 8L], result.Jobs.Select(j => j.GpuSeconds));
        Assert.Equal(7, result.NotStarted);
    }

    [Fact]
    public void TheSameJob_HasTheSameIdInTheSnapshotAndTheFinalOutput()
    {
        var running = Parse("cluster-b-running-snapshot.psv").Jobs.Select(j => j.ExternalId);
        var final = Parse("cluster-b-final-with-steps.psv").Jobs.Select(j => j.ExternalId);

        Assert.Subset(final.ToHashSet(), running.ToHashSet());
        Assert.Contains("2@2026-11-28T15:08:30Z", running);
    }

    [Fact]
    public void RepeatedJobIds_AfterAnAccountingReset_GetDifferentIds()
    {
        var a = Parse("cluster-a-jobs.psv").Jobs.Select(j => j.ExternalId).ToHashSet();
        var b = Parse("cluster-b-final-with-steps.psv").Jobs.Select(j => j.ExternalId).ToHashSet();

        Assert.Empty(a.Intersect(b));
    }

    [Fact]
    public void TheClusterColumn_PrefixesTheId()
    {
        var result = ParseText("Cluster|JobID|Account|AllocTRES|Start|End|ElapsedRaw\nnipa|42_7|lgai|gres/gpu=8|2026-11-28T10:30:00|2026-11-28T12:15:00|6300\n");

        Assert.Equal("nipa/42_7@2026-11-28T10:30:00Z", Assert.Single(result.Jobs).ExternalId);
    }

    [Fact]
    public void LocalTimes_AreReadInTheGivenZone()
    {
        var result = ParseText("JobID|Account|AllocTRES|Start|End|ElapsedRaw\n1|lgai|gres/gpu=1|2026-11-28T09:00:00|2026-11-28T10:00:00|3600\n", DateTimeZoneProviders.Tzdb["Asia/Seoul"]);

        Assert.Equal(Instant.FromUtc(2026, 11, 28, 0, 0), Assert.Single(result.Jobs).Start);
    }

    [Theory]
    [InlineData("00:20:00", 1200)]
    [InlineData("20:00", 1200)]
    [InlineData("1-02:00:00", 93600)]
    public void WithoutElapsedRaw_TheReadableElapsedCounts(string elapsed, long seconds)
    {
        var result = ParseText($"JobID|Account|AllocTRES|Start|End|Elapsed\n5|lgai|gres/gpu=2|2026-11-27T09:00:00|Unknown|{elapsed}\n");

        Assert.Equal(2 * seconds, Assert.Single(result.Jobs).GpuSeconds);
    }

    [Fact]
    public void ArrayHeterogeneousAndRequeuedJobs_AreSeparateJobs()
    {
        var result = ParseText("""
            JobID|Account|AllocTRES|Start|End|ElapsedRaw|State
            100_1|lgai|gres/gpu=1|2026-11-28T01:00:00|2026-11-28T02:00:00|3600|COMPLETED
            100_2|lgai|gres/gpu=1|2026-11-28T01:00:00|2026-11-28T02:00:00|3600|COMPLETED
            200+0|skt|gres/gpu=4|2026-11-28T01:00:00|2026-11-28T01:30:00|1800|COMPLETED
            200+1|skt|gres/gpu=2|2026-11-28T01:00:00|2026-11-28T01:30:00|1800|COMPLETED
            300|upstage|gres/gpu=8|2026-11-28T01:00:00|2026-11-28T01:10:00|600|NODE_FAIL
            300|upstage|gres/gpu=8|2026-11-28T01:20:00|2026-11-28T02:20:00|3600|COMPLETED
            """);

        Assert.Equal(6, result.Jobs.Select(j => j.ExternalId).Distinct().Count());
        Assert.Equal((8L * 600) + (8L * 3600), result.Jobs.Where(j => j.JobId == "300").Sum(j => j.GpuSeconds));
    }

    [Fact]
    public void TheParsableFormat_WithTrailingSeparators_IsReadToo()
    {
        var result = ParseText("JobID|Account|AllocTRES|Start|End|ElapsedRaw|\n1|lgai|gres/gpu=2|2026-11-28T09:00:00|2026-11-28T10:00:00|3600|\n");

        Assert.Equal(7200, Assert.Single(result.Jobs).GpuSeconds);
    }

    [Theory]
    [InlineData("JobID|Account|AllocTRES|Start|End|ElapsedRaw\n1|lgai|gres/gpu=1|2026-11-28T09:00:00|2026-11-28T10:00:00\n", 2, "expected 6 fields")]
    [InlineData("JobID|Account|AllocTRES|Start|End|ElapsedRaw\n1|lgai|gres/gpu=1|2026-11-28T09:00:00|2026-11-28T10:00:00|60\n2|lgai|gres/gpu=1|yesterday|2026-11-28T10:00:00|60\n", 3, "Start 'yesterday'")]
    [InlineData("JobID|Account|AllocTRES|Start|End|ElapsedRaw\n1|lgai|gres/gpu=x|2026-11-28T09:00:00|2026-11-28T10:00:00|60\n", 2, "gres/gpu=x")]
    [InlineData("JobID|Account|AllocTRES|Start|End|ElapsedRaw\n1|lgai|gres/gpu=1|2026-11-28T09:00:00|2026-11-28T10:00:00|-5\n", 2, "ElapsedRaw")]
    [InlineData("JobID|Account|AllocTRES|Start|End\n1|lgai|gres/gpu=1|2026-11-28T09:00:00|Unknown\n", 2, "ElapsedRaw")]
    [InlineData("JobID|Account|AllocTRES|Start|End|Elapsed\n1|lgai|gres/gpu=1|2026-11-28T09:00:00|Unknown|an hour\n", 2, "Elapsed 'an hour'")]
    [InlineData("JobID|Account|Start|End|ElapsedRaw\n1|lgai|2026-11-28T09:00:00|2026-11-28T10:00:00|60\n", 1, "AllocTRES")]
    [InlineData("JobID|Account|AllocTRES|Start|End|ElapsedRaw\n1||gres/gpu=1|2026-11-28T09:00:00|2026-11-28T10:00:00|60\n", 2, "Account")]
    [InlineData("", 1, "empty")]
    [InlineData("JobID|Account|AllocTRES|Start|End|ElapsedRaw\n1|lgai|gres/gpu=1|2026-11-28T10:00:00|2026-11-28T09:00:00|3600\n", 2, "End is before Start")]
    public void MalformedText_NamesTheLine(string text, int line, string fragment)
    {
        var error = Assert.Throws<SacctFormatException>(() => ParseText(text));

        Assert.Equal(line, error.LineNumber);
        Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AJobPrintedTwice_IsOneJob_UnlessItsValuesDiffer_ThenTheSecondLineIsRefused()
    {
        const string Header = "JobID|Account|AllocTRES|Start|End|State\n";
        const string Line = "7|acct|gres/gpu=2|2026-03-01T00:00:00|2026-03-01T01:00:00|COMPLETED\n";

        var twice = ParseText(Header + Line + Line);
        var refused = Assert.Throws<SacctFormatException>(() => ParseText(Header + Line + Line.Replace("gpu=2", "gpu=3", StringComparison.Ordinal)));

        Assert.Equal(3, Assert.Single(twice.Jobs).LineNumber);
        Assert.Equal(3, refused.LineNumber);
        Assert.Contains("first on line 2", refused.Reason, StringComparison.Ordinal);
    }
}

public sealed class HourlyBucketsTests
{
    [Fact]
    public void AFourGpuJob_From1030To1215_Gives7200_14400_And3600()
    {
        var start = Instant.FromUtc(2026, 3, 1, 10, 30).ToUnixTimeSeconds();
        var end = Instant.FromUtc(2026, 3, 1, 12, 15).ToUnixTimeSeconds();

        var buckets = HourlyBuckets.Split(start, end, 4).ToList();

        Assert.Equal([7200L, 14400L, 3600L], buckets.Select(b => b.GpuSeconds));
        Assert.Equal(Instant.FromUtc(2026, 3, 1, 10, 0).ToUnixTimeSeconds(), buckets[0].HourUnix);
    }

    [FsCheck.Xunit.Property(MaxTest = 300)]
    public FsCheck.Property Buckets_AddUpToTheWhole_AndAreConsecutiveHours() =>
        Prop.ForAll(
            Gen.Choose(0, 1_000_000).Select(s => 1_767_225_600L + s).ToArbitrary(),
            Gen.Choose(0, 400_000).ToArbitrary(),
            Gen.Choose(1, 64).ToArbitrary(),
            (start, length, gpus) =>
            {
                var buckets = HourlyBuckets.Split(start, start + length, gpus).ToList();
                return buckets.Sum(b => b.GpuSeconds) == gpus * (long)length
                    && buckets.All(b => b.HourUnix % 3600 == 0 && b.GpuSeconds > 0 && b.GpuSeconds <= gpus * 3600L)
                    && buckets.Zip(buckets.Skip(1)).All(p => p.Second.HourUnix == p.First.HourUnix + 3600);
            });
}
