using System.Diagnostics;

namespace NationalAiEval.Benchmarks;

/// <summary>One measured figure beside its baseline from the same run; machines here are noisy, so ratios are what hold.</summary>
public sealed record Result(string Name, string Figure, double Value, string Unit, string Baseline, double BaselineValue, string Target, bool Met)
{
    public double Ratio => BaselineValue == 0 ? 0 : Value / BaselineValue;
}

public static class Measure
{
    /// <summary>The median of <paramref name="runs"/> timed runs after one warm-up, in milliseconds.</summary>
    public static double MedianMilliseconds(Action action, int runs = 5)
    {
        ArgumentNullException.ThrowIfNull(action);
        action();
        var times = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            var watch = Stopwatch.StartNew();
            action();
            times.Add(watch.Elapsed.TotalMilliseconds);
        }

        times.Sort();
        return times[times.Count / 2];
    }

    /// <summary>The same for work that awaits (HTTP calls to the service).</summary>
    public static async Task<double> MedianMillisecondsAsync(Func<Task> action, int runs = 5)
    {
        ArgumentNullException.ThrowIfNull(action);
        await action();
        var times = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            var watch = Stopwatch.StartNew();
            await action();
            times.Add(watch.Elapsed.TotalMilliseconds);
        }

        times.Sort();
        return times[times.Count / 2];
    }
}
