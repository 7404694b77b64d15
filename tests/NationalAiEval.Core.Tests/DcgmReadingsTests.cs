using NationalAiEval.Core.Utilisation;

namespace NationalAiEval.Core.Tests;

public sealed class DcgmReadingsTests
{
    private static DcgmScrape Read(string text, long? scrapedAt = 1_780_000_000) => DcgmReadings.Read(PrometheusText.Parse(text), scrapedAt);

    [Fact]
    public void GpuUtil_IsAPercentage_AndEngineActive_ARatio_BothInThousandthsOfAPercent()
    {
        var scrape = Read("""
            DCGM_FI_DEV_GPU_UTIL{gpu="0",UUID="GPU-a",Hostname="n1",hpc_job="4312"} 97
            DCGM_FI_PROF_GR_ENGINE_ACTIVE{gpu="1",UUID="GPU-b",hostname="n1",namespace="upstage"} 0.2345
            DCGM_FI_DEV_FB_USED{gpu="0",UUID="GPU-a"} 71234
            """);

        Assert.Equal(1, scrape.OtherSamples);
        Assert.Equal(
            [new GpuReading(1, "GPU-a", 1_780_000_000, 97_000, "4312", null), new GpuReading(2, "GPU-b", 1_780_000_000, 23_450, null, "upstage")],
            scrape.Readings);
    }

    [Fact]
    public void AGpuReportingBoth_IsReadFromEngineActive_WhicheverComesFirst()
    {
        var scrape = Read("""
            DCGM_FI_PROF_GR_ENGINE_ACTIVE{UUID="GPU-a"} 0.1
            DCGM_FI_DEV_GPU_UTIL{UUID="GPU-a"} 100
            DCGM_FI_DEV_GPU_UTIL{UUID="GPU-b"} 100
            DCGM_FI_PROF_GR_ENGINE_ACTIVE{UUID="GPU-b"} 0.2
            """);

        Assert.Equal([("GPU-a", 10_000L), ("GPU-b", 20_000L)], scrape.Readings.Select(r => (r.Gpu, r.PercentMilli)).Order());
    }

    [Fact]
    public void WithoutAUuid_TheHostAndIndexNameTheGpu_AndALineTimestampWins()
    {
        var scrape = Read("DCGM_FI_DEV_GPU_UTIL{gpu=\"3\",Hostname=\"b200-07\"} 50 1780003600999", scrapedAt: null);

        Assert.Equal(("b200-07/3", 1_780_003_600L), (scrape.Readings[0].Gpu, scrape.Readings[0].AtUnix));
    }

    [Theory]
    [InlineData("DCGM_FI_DEV_GPU_UTIL{gpu=\"0\"} 50", 1, "names no GPU")]
    [InlineData("# TYPE x gauge\nDCGM_FI_DEV_GPU_UTIL{UUID=\"a\"} 101", 2, "between 0 and 100")]
    [InlineData("DCGM_FI_PROF_GR_ENGINE_ACTIVE{UUID=\"a\"} 1.5", 1, "between 0 and 1")]
    [InlineData("DCGM_FI_DEV_GPU_UTIL{UUID=\"a\"} NaN", 1, "finite")]
    [InlineData("DCGM_FI_DEV_GPU_UTIL{UUID=\"a\"} 5\nDCGM_FI_DEV_GPU_UTIL{UUID=\"a\"} 6", 2, "first on line 1")]
    public void ReadingsThatCannotBeRight_NameTheirLine(string text, int line, string fragment)
    {
        var error = Assert.Throws<PrometheusFormatException>(() => Read(text));

        Assert.Equal(line, error.LineNumber);
        Assert.Contains(fragment, error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ASampleWithoutTime_NeedsTheScrapeTime()
    {
        var error = Assert.Throws<PrometheusFormatException>(() => Read("DCGM_FI_DEV_GPU_UTIL{UUID=\"a\"} 5", scrapedAt: null));

        Assert.Contains("scrapedAt", error.Reason, StringComparison.Ordinal);
    }
}
