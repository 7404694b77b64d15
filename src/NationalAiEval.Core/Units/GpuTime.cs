namespace NationalAiEval.Core.Units;

/// <summary>
/// Exact integer units of GPU time. Raw amounts are GPU-seconds of one GPU model; equivalent amounts are
/// milli-EGH-seconds (raw GPU-seconds times the model's weight in per-mille of the reference model), so that
/// normalising never needs a fraction. Hours appear only at the API edge, as rounded decimals.
/// </summary>
public static class GpuTime
{
    public const long SecondsPerHour = 3600;

    /// <summary>Weights are per-mille of the reference model: 1000 means "worth one reference GPU".</summary>
    public const int PerMilleOfReference = 1000;

    /// <summary>One equivalent GPU-hour in milli-EGH-seconds.</summary>
    public const long MilliEghSecondsPerEgh = SecondsPerHour * PerMilleOfReference;

    /// <summary>Decimal places shown for hours: 10^-6 h is 3.6 ms, below the one-second resolution of the data.</summary>
    public const int HourDecimals = 6;

    public static long RawGpuSeconds(long gpus, long seconds) => checked(gpus * seconds);

    public static long ToMilliEghSeconds(long rawGpuSeconds, int weightPerMille) => checked(rawGpuSeconds * weightPerMille);

    public static long MilliEghSecondsFromEgh(long equivalentGpuHours) => checked(equivalentGpuHours * MilliEghSecondsPerEgh);

    public static decimal ToGpuHours(long rawGpuSeconds) =>
        decimal.Round(rawGpuSeconds / (decimal)SecondsPerHour, HourDecimals, MidpointRounding.ToEven);

    /// <summary>GPU-hours from millionths of a GPU-second (low utilisation is kept so, being a share of an hour's use).</summary>
    public static decimal MicroToGpuHours(long microGpuSeconds) =>
        decimal.Round(microGpuSeconds / (decimal)(SecondsPerHour * 1_000_000), HourDecimals, MidpointRounding.ToEven);

    public static decimal ToEquivalentGpuHours(long milliEghSeconds) =>
        decimal.Round(milliEghSeconds / (decimal)MilliEghSecondsPerEgh, HourDecimals, MidpointRounding.ToEven);
}
