using System.Globalization;
using System.Text.RegularExpressions;
using NationalAiEval.Core.Codes;
using NationalAiEval.Core.Time;

namespace NationalAiEval.Core.Utilisation;

/// <summary>
/// One GPU's utilisation at one moment, as the DCGM exporter reported it: the GPU (its UUID, or host and index), the
/// time in unix seconds, the utilisation in thousandths of a percent, and the job and namespace labels that say whose
/// work it was.
/// </summary>
public sealed record GpuReading(int LineNumber, string Gpu, long AtUnix, long PercentMilli, string? Job, string? Namespace);

/// <summary>What a scrape held: the readings, and how many samples were of other metrics (memory, power...).</summary>
public sealed record DcgmScrape(IReadOnlyList<GpuReading> Readings, int OtherSamples);

/// <summary>
/// Turns DCGM exporter samples into GPU utilisation readings. <c>DCGM_FI_PROF_GR_ENGINE_ACTIVE</c> (a ratio, 0-1) is
/// preferred where a GPU reports both, because it measures the time the graphics engine was busy, which is closer to
/// useful work than <c>DCGM_FI_DEV_GPU_UTIL</c> (a percentage of time any kernel ran). A sample without its own
/// timestamp takes the scrape's.
/// </summary>
public static partial class DcgmReadings
{
    public const string GpuUtil = "DCGM_FI_DEV_GPU_UTIL";
    public const string EngineActive = "DCGM_FI_PROF_GR_ENGINE_ACTIVE";

    public static DcgmScrape Read(IEnumerable<MetricSample> samples, long? scrapedAtUnix)
    {
        ArgumentNullException.ThrowIfNull(samples);
        var chosen = new Dictionary<(string Gpu, long At), (GpuReading Reading, bool FromEngine)>();
        var others = 0;
        foreach (var sample in samples)
        {
            var fromEngine = sample.Name == EngineActive;
            if (!fromEngine && sample.Name != GpuUtil)
            {
                others++;
                continue;
            }

            var reading = ToReading(sample, fromEngine, scrapedAtUnix);
            var key = (reading.Gpu, reading.AtUnix);
            if (chosen.TryGetValue(key, out var earlier))
            {
                if (earlier.FromEngine == fromEngine)
                {
                    throw new PrometheusFormatException(sample.LineNumber,
                        $"GPU '{reading.Gpu}' has a second {sample.Name} sample for the same time (first on line {earlier.Reading.LineNumber}).");
                }

                if (!fromEngine)
                {
                    continue;
                }
            }

            chosen[key] = (reading, fromEngine);
        }

        return new DcgmScrape(chosen.Values.Select(c => c.Reading).OrderBy(r => r.LineNumber).ToList(), others);
    }

    private static GpuReading ToReading(MetricSample sample, bool fromEngine, long? scrapedAtUnix)
    {
        var line = sample.LineNumber;
        if (double.IsNaN(sample.Value) || double.IsInfinity(sample.Value))
        {
            throw new PrometheusFormatException(line, $"{sample.Name} must be a finite number.");
        }

        var percent = fromEngine ? sample.Value * 100 : sample.Value;
        if (percent is < 0 or > 100)
        {
            throw new PrometheusFormatException(line, fromEngine
                ? $"{sample.Name} is a ratio between 0 and 1; got {sample.Value.ToString(CultureInfo.InvariantCulture)}."
                : $"{sample.Name} is a percentage between 0 and 100; got {sample.Value.ToString(CultureInfo.InvariantCulture)}.");
        }

        var at = sample.TimestampMilliseconds is { } ms ? Math.DivRem(ms, 1000).Quotient : scrapedAtUnix
            ?? throw new PrometheusFormatException(line, "the sample has no timestamp; give the scrape time as scrapedAt.");
        if (at < SupportedRange.EarliestUnix || at >= SupportedRange.LatestUnix)
        {
            throw new PrometheusFormatException(line, $"the sample's timestamp must lie between {SupportedRange.Earliest} and {SupportedRange.Latest}.");
        }

        var job = Label(sample, "hpc_job");
        if (job is not null && !SlurmNames.IsJobId(job))
        {
            throw new PrometheusFormatException(line, $"label 'hpc_job' must be {SlurmNames.JobIdRule}.");
        }

        var space = Label(sample, "namespace") ?? Label(sample, "exported_namespace");
        if (space is not null && !SchedulerAccount.IsValid(space))
        {
            throw new PrometheusFormatException(line, $"label 'namespace' must be {SchedulerAccount.Rule}.");
        }

        return new GpuReading(line, GpuOf(sample), at, (long)Math.Round(percent * 1000, MidpointRounding.AwayFromZero), job, space);
    }

    /// <summary>The UUID names a GPU for good; without it, the host and the index on it do. Both by their grammar, as they are stored.</summary>
    private static string GpuOf(MetricSample sample)
    {
        if (Label(sample, "UUID") is { } uuid)
        {
            return GpuUuid().IsMatch(uuid)
                ? uuid
                : throw new PrometheusFormatException(sample.LineNumber, "label 'UUID' must be 1-128 letters, digits, '-', '_', '.' or ':' (for example GPU-5d2a...).");
        }

        var host = Label(sample, "Hostname") ?? Label(sample, "hostname");
        var index = Label(sample, "gpu");
        if (host is null || index is null)
        {
            throw new PrometheusFormatException(sample.LineNumber, "the sample names no GPU: it needs a UUID label, or Hostname (or hostname) and gpu labels.");
        }

        return HostName().IsMatch(host) && GpuIndex().IsMatch(index)
            ? $"{host}/{index}"
            : throw new PrometheusFormatException(sample.LineNumber, "labels 'Hostname' and 'gpu' must be a host name (1-253 letters, digits, '.', '_' or '-') and a GPU index (digits).");
    }

    [GeneratedRegex("^[A-Za-z0-9._:-]{1,128}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex GpuUuid();

    [GeneratedRegex("^[A-Za-z0-9._-]{1,253}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex HostName();

    [GeneratedRegex("^[0-9]{1,4}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex GpuIndex();

    private static string? Label(MetricSample sample, string name) =>
        sample.Labels.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;
}
