namespace NationalAiEval.Core.Usage;

/// <summary>GPU-seconds that fall into one UTC hour, the unit of usage facts.</summary>
public readonly record struct HourAmount(long HourUnix, long GpuSeconds);

/// <summary>
/// Cuts usage into UTC hours (api-docs/DEFINITIONS.md#months-and-hours): a 4-GPU job from 10:30 to 12:15 gives 7,200, 14,400 and 3,600
/// GPU-seconds. Exact integers, so the buckets always add up to the whole.
/// </summary>
public static class HourlyBuckets
{
    public const long HourSeconds = 3600;

    public static long HourOf(long unixSeconds) => unixSeconds - Mod(unixSeconds, HourSeconds);

    public static IEnumerable<HourAmount> Split(long startUnix, long endUnix, long gpus)
    {
        if (endUnix <= startUnix || gpus == 0)
        {
            yield break;
        }

        for (var hour = HourOf(startUnix); hour < endUnix; hour += HourSeconds)
        {
            var from = Math.Max(hour, startUnix);
            var to = Math.Min(hour + HourSeconds, endUnix);
            yield return new HourAmount(hour, checked(gpus * (to - from)));
        }
    }

    private static long Mod(long value, long modulus) => ((value % modulus) + modulus) % modulus;
}
