using NationalAiEval.Core.Utilisation;

namespace NationalAiEval.Core.Tests;

public sealed class PrometheusTextTests
{
    private const string DcgmScrape = """
        # HELP DCGM_FI_DEV_GPU_UTIL GPU utilization (in %).
        # TYPE DCGM_FI_DEV_GPU_UTIL gauge
        DCGM_FI_DEV_GPU_UTIL{gpu="0",UUID="GPU-5fd4ac0c-1f6a-5e2b-0c3e-8e2b4b1f6d11",device="nvidia0",modelName="NVIDIA H100 80GB HBM3",Hostname="gpu-node-01",DCGM_FI_DRIVER_VERSION="535.129.03",hpc_job="4312"} 97
        DCGM_FI_DEV_GPU_UTIL{gpu="1",UUID="GPU-0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0",device="nvidia1",modelName="NVIDIA H100 80GB HBM3",Hostname="gpu-node-01",DCGM_FI_DRIVER_VERSION="535.129.03",hpc_job="4312"} 12 1764320400000
        # HELP DCGM_FI_PROF_GR_ENGINE_ACTIVE Ratio of time the graphics engine is active.
        # TYPE DCGM_FI_PROF_GR_ENGINE_ACTIVE gauge
        DCGM_FI_PROF_GR_ENGINE_ACTIVE{gpu="0",UUID="GPU-aa",device="nvidia0",modelName="NVIDIA B200",hostname="b200-07",container="trainer",namespace="upstage",pod="solar-train-0"} 0.913
        DCGM_FI_DEV_FB_USED{gpu="0",UUID="GPU-aa",pod="with \"quotes\" and \\ slash"} 71234
        """;

    [Fact]
    public void ADcgmScrape_IsRead_WithLabelsValuesAndTimestamps()
    {
        var samples = PrometheusText.Parse(DcgmScrape).ToList();

        Assert.Equal(4, samples.Count);
        Assert.Equal(("DCGM_FI_DEV_GPU_UTIL", 97d, "4312"), (samples[0].Name, samples[0].Value, samples[0].Labels["hpc_job"]));
        Assert.Equal(1764320400000, samples[1].TimestampMilliseconds);
        Assert.Equal(("upstage", 0.913), (samples[2].Labels["namespace"], samples[2].Value));
        Assert.Equal("with \"quotes\" and \\ slash", samples[3].Labels["pod"]);
        Assert.Equal(3, samples[0].LineNumber);
    }

    [Theory]
    [InlineData("DCGM_FI_DEV_GPU_UTIL{gpu=\"0\" 97", 1, "expected '}'")]
    [InlineData("DCGM_FI_DEV_GPU_UTIL{gpu=\"0\"} high", 1, "'high' is not a number")]
    [InlineData("# HELP x\nDCGM_FI_DEV_GPU_UTIL{gpu=0} 97", 2, "expected '\"'")]
    [InlineData("DCGM_FI_DEV_GPU_UTIL{gpu=\"0\",gpu=\"1\"} 97", 1, "appears twice")]
    [InlineData("{gpu=\"0\"} 97", 1, "metric name")]
    [InlineData("DCGM_FI_DEV_GPU_UTIL{gpu=\"0\"} 97 later", 1, "timestamp")]
    [InlineData("DCGM_FI_DEV_GPU_UTIL", 1, "expected a value")]
    public void BadText_NamesTheLine(string text, int line, string fragment)
    {
        var error = Assert.Throws<PrometheusFormatException>(() => PrometheusText.Parse(text).ToList());

        Assert.Equal(line, error.LineNumber);
        Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SpecialValues_AreRead() =>
        Assert.Equal([double.NaN, double.PositiveInfinity, double.NegativeInfinity], PrometheusText.Parse("a NaN\nb +Inf\nc -Inf").Select(s => s.Value));
}
