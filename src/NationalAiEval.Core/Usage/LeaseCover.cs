namespace NationalAiEval.Core.Usage;

/// <summary>A lease line's GPUs and span in Unix seconds, as intake and detect-idle need it (prices aside).</summary>
public readonly record struct LeaseSpan(long Gpus, long StartUnix, long EndUnix);

/// <summary>
/// The time in which a pool can have usage: its lease lines, each widened by a tolerance on both sides, merged. Usage
/// is accepted only inside it, and detect-idle computes only hours inside it, so the work either does is bounded by
/// the leases a manager recorded, never by the dates a provider sends (api-docs/DEFINITIONS.md#intake-bounds).
/// Also the pool's peak: the most GPUs its lines lease at any one instant, the most a single job can hold.
/// </summary>
public sealed class LeaseCover
{
    private readonly List<(long From, long To)> _intervals;

    private LeaseCover(List<(long From, long To)> intervals, long peakGpus)
    {
        _intervals = intervals;
        PeakGpus = peakGpus;
    }

    /// <summary>Merged, ordered, non-overlapping intervals [From, To).</summary>
    public IReadOnlyList<(long From, long To)> Intervals => _intervals;

    public long PeakGpus { get; }

    public bool IsEmpty => _intervals.Count == 0;

    public static LeaseCover Of(IEnumerable<LeaseSpan> lines, long toleranceSeconds)
    {
        ArgumentNullException.ThrowIfNull(lines);
        ArgumentOutOfRangeException.ThrowIfNegative(toleranceSeconds);
        var spans = lines.Where(l => l.EndUnix > l.StartUnix).ToList();
        var merged = new List<(long From, long To)>();
        foreach (var (from, to) in spans.Select(l => (From: l.StartUnix - toleranceSeconds, To: l.EndUnix + toleranceSeconds)).OrderBy(i => i.From))
        {
            if (merged.Count > 0 && from <= merged[^1].To)
            {
                merged[^1] = (merged[^1].From, Math.Max(merged[^1].To, to));
            }
            else
            {
                merged.Add((from, to));
            }
        }

        return new LeaseCover(merged, Peak(spans));
    }

    /// <summary>Whether [from, to] lies inside one interval of the cover (a zero-length record at its edge included).</summary>
    public bool Contains(long fromUnix, long toUnix) => _intervals.Any(i => i.From <= fromUnix && toUnix <= i.To);

    /// <summary>The parts of [from, to) inside the cover, in order.</summary>
    public IEnumerable<(long From, long To)> Clip(long fromUnix, long toUnix)
    {
        foreach (var (from, to) in _intervals)
        {
            var start = Math.Max(from, fromUnix);
            var end = Math.Min(to, toUnix);
            if (end > start)
            {
                yield return (start, end);
            }
        }
    }

    private static long Peak(List<LeaseSpan> spans)
    {
        // A sweep over the lines' edges; ends sort before starts at the same instant (half-open spans do not overlap there).
        long current = 0, peak = 0;
        foreach (var (_, delta) in spans.SelectMany(l => new[] { (At: l.StartUnix, Delta: l.Gpus), (At: l.EndUnix, Delta: -l.Gpus) })
            .OrderBy(e => e.At).ThenBy(e => e.Delta))
        {
            current = checked(current + delta);
            peak = Math.Max(peak, current);
        }

        return peak;
    }
}
